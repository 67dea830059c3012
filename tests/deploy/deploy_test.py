#!/usr/bin/env python3
"""Checks of deploy/: the Kubernetes overlays render with kustomize and keep their invariants,
promtool accepts the rules and the scrape config, the PrometheusRule equals the plain rules, and
the Grafana dashboards are well formed.

Exit code 77 (ctest SKIP) when kubectl with kustomize is not installed.
"""
import json
import pathlib
import shutil
import subprocess
import sys
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ["coordinator", "crawler", "newmedia", "dataopen", "scoring", "report"]


def render(overlay):
    out = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s" / "overlays" / overlay)],
                         check=True, capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


class OverlayInvariants:
    overlay = None

    @classmethod
    def setUpClass(cls):
        cls.docs = render(cls.overlay)

    def pod_specs(self):
        for kind in ("Deployment", "StatefulSet"):
            for name, d in by_kind(self.docs, kind).items():
                yield kind, name, d["spec"]["template"]["spec"], d["spec"]["template"]["metadata"]
        for name, d in by_kind(self.docs, "CronJob").items():
            t = d["spec"]["jobTemplate"]["spec"]["template"]
            yield "CronJob", name, t["spec"], t["metadata"]

    def test_every_service_has_deployment_service_account_and_pdb(self):
        deployments = by_kind(self.docs, "Deployment")
        services = by_kind(self.docs, "Service")
        accounts = by_kind(self.docs, "ServiceAccount")
        pdbs = by_kind(self.docs, "PodDisruptionBudget")
        for s in SERVICES:
            self.assertIn(s, deployments)
            self.assertIn(s, services)
            self.assertIn(s, accounts)
            self.assertIn(s, pdbs)
            self.assertEqual(deployments[s]["spec"]["template"]["spec"]["serviceAccountName"], s)
            ports = {p["name"] for p in services[s]["spec"]["ports"]}
            self.assertEqual(ports, {"grpc", "metrics"}, s)

    def test_probes_resources_and_security(self):
        for kind, name, spec, meta in self.pod_specs():
            psc = spec.get("securityContext", {})
            self.assertTrue(psc.get("runAsNonRoot"), f"{kind}/{name} runAsNonRoot")
            self.assertFalse(spec.get("automountServiceAccountToken", True), f"{kind}/{name}")
            self.assertEqual(meta["labels"].get("app.kubernetes.io/part-of"), "govinspect", name)
            for c in spec["containers"]:
                where = f"{kind}/{name}/{c['name']}"
                sc = c.get("securityContext", {})
                self.assertTrue(sc.get("readOnlyRootFilesystem"), where)
                self.assertFalse(sc.get("allowPrivilegeEscalation", True), where)
                self.assertEqual(sc.get("capabilities", {}).get("drop"), ["ALL"], where)
                res = c.get("resources", {})
                for part in ("requests", "limits"):
                    self.assertIn("cpu", res.get(part, {}), f"{where} {part}.cpu")
                    self.assertIn("memory", res.get(part, {}), f"{where} {part}.memory")
                if kind == "Deployment":
                    port_names = {p["name"] for p in c.get("ports", [])}
                    self.assertEqual(port_names, {"grpc", "metrics"}, where)
                    grpc_port = [p["containerPort"] for p in c["ports"] if p["name"] == "grpc"][0]
                    for probe in ("readinessProbe", "livenessProbe"):
                        self.assertEqual(c[probe]["grpc"]["port"], grpc_port, f"{where} {probe}")

    def test_grace_period_exceeds_shutdown_grace_plus_longest_task(self):
        for name, d in by_kind(self.docs, "Deployment").items():
            spec = d["spec"]["template"]["spec"]
            flags = self.flags_of(name)
            grace = parse_seconds(flags.get("shutdown_grace", "10s"))
            longest = parse_seconds(flags.get("lease", "120s")) if name in (
                "crawler", "newmedia", "dataopen") else 0
            self.assertGreater(spec["terminationGracePeriodSeconds"], grace + longest, name)

    def flags_of(self, service):
        cm = [d for d in self.docs if d["kind"] == "ConfigMap"
              and d["metadata"]["name"].startswith("govinspect-flags")][0]
        text = cm["data"][f"{service}.flags"]
        out = {}
        for line in text.splitlines():
            line = line.strip()
            if line.startswith("--") and "=" in line:
                k, v = line[2:].split("=", 1)
                out[k] = v
        return out

    def test_references_resolve(self):
        configmaps = set(by_kind(self.docs, "ConfigMap"))
        secrets = set(by_kind(self.docs, "Secret"))
        services = by_kind(self.docs, "Service")
        claims = set(by_kind(self.docs, "PersistentVolumeClaim"))
        for kind, name, spec, _ in self.pod_specs():
            for v in spec.get("volumes", []):
                if "configMap" in v:
                    self.assertIn(v["configMap"]["name"], configmaps, f"{kind}/{name}")
                if "secret" in v:
                    self.assertIn(v["secret"]["secretName"], secrets, f"{kind}/{name}")
                if "persistentVolumeClaim" in v:
                    self.assertIn(v["persistentVolumeClaim"]["claimName"], claims, f"{kind}/{name}")
            for c in spec["containers"]:
                for e in c.get("env", []):
                    ref = e.get("valueFrom", {}).get("secretKeyRef")
                    if ref:
                        self.assertIn(ref["name"], secrets, f"{kind}/{name}")
                        secret = by_kind(self.docs, "Secret")[ref["name"]]
                        self.assertIn(ref["key"], secret.get("stringData", secret.get("data", {})))
                for a in c.get("args", []):
                    if a.startswith("--flagfile="):
                        fname = a.split("/")[-1]
                        cm = [d for d in self.docs if d["kind"] == "ConfigMap"][0]
                        self.assertIn(fname, cm["data"], f"{kind}/{name}")
        # Service addresses named in the flag files exist, on their grpc port.
        for s in SERVICES:
            for k, v in self.flags_of(s).items():
                if k.endswith("_address") and k not in ("listen_address", "metrics_address"):
                    host, port = v.rsplit(":", 1)
                    self.assertIn(host, services, f"{s} --{k}")
                    self.assertIn(int(port), [p["port"] for p in services[host]["spec"]["ports"]])
        # Every Service selects pods that exist.
        pod_labels = [meta["labels"] for _, _, _, meta in self.pod_specs()]
        for name, svc in services.items():
            sel = svc["spec"]["selector"]
            self.assertTrue(any(all(l.get(k) == v for k, v in sel.items()) for l in pod_labels), name)

    def test_keda_scales_workers_on_their_stream(self):
        scaled = by_kind(self.docs, "ScaledObject")
        deployments = by_kind(self.docs, "Deployment")
        for worker, stream in (("crawler", "govinspect:queue:crawl"),
                               ("newmedia", "govinspect:queue:account")):
            so = scaled[worker]
            self.assertIn(so["spec"]["scaleTargetRef"]["name"], deployments)
            self.assertLessEqual(so["spec"]["minReplicaCount"], so["spec"]["maxReplicaCount"])
            kinds = set()
            for t in so["spec"]["triggers"]:
                self.assertEqual(t["type"], "redis-streams")
                self.assertEqual(t["metadata"]["stream"], stream)
                self.assertEqual(t["metadata"]["consumerGroup"], "workers")
                kinds |= set(t["metadata"]) & {"pendingEntriesCount", "lagCount"}
            self.assertEqual(kinds, {"pendingEntriesCount", "lagCount"})

    def test_redis_keeps_aof_on_a_volume_and_only_govinspect_reaches_it(self):
        redis = by_kind(self.docs, "StatefulSet")["redis"]
        args = redis["spec"]["template"]["spec"]["containers"][0]["args"]
        self.assertEqual(args[args.index("--appendonly") + 1], "yes")
        self.assertTrue(redis["spec"]["volumeClaimTemplates"])
        policy = by_kind(self.docs, "NetworkPolicy")["redis"]
        self.assertEqual(policy["spec"]["podSelector"]["matchLabels"], {"app": "redis"})
        sources = [f for rule in policy["spec"]["ingress"] for f in rule["from"]]
        redis_port_rules = [r for r in policy["spec"]["ingress"]
                            if any(p["port"] == 6379 for p in r["ports"])]
        for r in redis_port_rules:
            for f in r["from"]:
                self.assertEqual(f, {"podSelector": {"matchLabels": {
                    "app.kubernetes.io/part-of": "govinspect"}}})
        self.assertTrue(sources)

    def test_everything_in_one_namespace(self):
        for d in self.docs:
            if d["kind"] != "Namespace":
                self.assertEqual(d["metadata"].get("namespace"), "govinspect",
                                 f"{d['kind']}/{d['metadata']['name']}")


class CityOverlay(OverlayInvariants, unittest.TestCase):
    overlay = "city"


class ProvinceOverlay(OverlayInvariants, unittest.TestCase):
    overlay = "province"

    def test_province_scales_further_than_city(self):
        city = by_kind(render("city"), "ScaledObject")["crawler"]["spec"]["maxReplicaCount"]
        prov = by_kind(self.docs, "ScaledObject")["crawler"]["spec"]["maxReplicaCount"]
        self.assertGreater(prov, city)


def parse_seconds(v):
    if v.endswith("ms"):
        return float(v[:-2]) / 1000
    if v.endswith("s"):
        return float(v[:-1])
    if v.endswith("m"):
        return float(v[:-1]) * 60
    return float(v)


class PrometheusFiles(unittest.TestCase):
    def test_promtool_accepts_rules_and_config(self):
        subprocess.run(["promtool", "check", "rules", str(DEPLOY / "prometheus" / "rules.yml")],
                       check=True, capture_output=True)
        subprocess.run(["promtool", "check", "config", str(DEPLOY / "prometheus" / "prometheus.yml")],
                       check=True, capture_output=True)

    def test_prometheusrule_equals_plain_rules(self):
        plain = yaml.safe_load((DEPLOY / "prometheus" / "rules.yml").read_text())
        crd = yaml.safe_load((DEPLOY / "k8s" / "base" / "prometheusrule.yaml").read_text())
        self.assertEqual(crd["spec"], plain, "run deploy/tools/sync_prometheusrule.py")


class Dashboards(unittest.TestCase):
    def test_dashboards_are_well_formed(self):
        files = sorted((DEPLOY / "grafana" / "dashboards").glob("*.json"))
        self.assertGreaterEqual(len(files), 5)
        uids = set()
        datasources = {d["uid"] for d in yaml.safe_load(
            (DEPLOY / "grafana" / "provisioning" / "datasources" / "prometheus.yaml").read_text()
        )["datasources"]}
        for f in files:
            d = json.loads(f.read_text())
            self.assertNotIn(d["uid"], uids, f.name)
            uids.add(d["uid"])
            variables = {v["name"] for v in d["templating"]["list"]}
            self.assertIn("namespace", variables, f.name)
            ids = [p["id"] for p in d["panels"]]
            self.assertEqual(len(ids), len(set(ids)), f"{f.name}: panel ids repeat")
            for p in d["panels"]:
                for ds in [p.get("datasource")] + [t.get("datasource") for t in p["targets"]]:
                    uid = ds["uid"]
                    # Either the dashboard's datasource variable or a provisioned uid.
                    if uid.startswith("${"):
                        self.assertIn(uid[2:-1], variables, f"{f.name} panel {p['id']}")
                    else:
                        self.assertIn(uid, datasources, f"{f.name} panel {p['id']}")
                self.assertTrue(p["targets"], f"{f.name} panel {p['id']} has no query")
        rounds = json.loads((DEPLOY / "grafana" / "dashboards" / "rounds.json").read_text())
        self.assertIn("round", {v["name"] for v in rounds["templating"]["list"]})


if __name__ == "__main__":
    kubectl = shutil.which("kubectl")
    ok = False
    if kubectl:
        r = subprocess.run(["kubectl", "kustomize", "--help"], capture_output=True)
        ok = r.returncode == 0
    if not ok:
        print("SKIP: kubectl with kustomize is not installed (Debian 12 has no kubectl >= 1.21)")
        sys.exit(77)
    unittest.main(verbosity=2)
