#!/usr/bin/env python3
"""Checks of deploy/: the Kubernetes overlays render and keep their invariants (the flags files
complete for production, KEDA able to read Redis, scale-down and drains that never kill work,
Guaranteed QoS for Redis, no Secret in the manifests, egress to any port), promtool accepts the
rules and the scrape config, the PrometheusRule equals the plain rules, and the Grafana
dashboards are well formed.

The overlays are rendered by deploy/tools/render_kustomize.py (Python and python3-yaml only, so
the checks run on every machine); where `kubectl kustomize` is installed, its output must be
identical. With BIN_DIR (a build dir, as ctest sets it) the flags files are also checked against
the service binaries: every flag in a file exists, and every flag whose default only suits a
developer's machine (loopback addresses, the simulator's hosts, /tmp, the source tree) is set.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import sys
import unittest

import yaml

ROOT = pathlib.Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
SERVICES = ["coordinator", "crawler", "newmedia", "dataopen", "scoring", "report"]
WORKERS = ["crawler", "newmedia", "dataopen"]
OPERATOR_SECRET = "govinspect-secrets"
OPERATOR_SECRET_KEYS = {"api_token", "redis_password"}
sys.path.insert(0, str(DEPLOY / "tools"))
import render_kustomize  # noqa: E402


def render(overlay):
    return render_kustomize.render(DEPLOY / "k8s" / "overlays" / overlay)


def render_with_kubectl(overlay):
    out = subprocess.run(["kubectl", "kustomize", str(DEPLOY / "k8s" / "overlays" / overlay)],
                         check=True, capture_output=True, text=True).stdout
    return [d for d in yaml.safe_load_all(out) if d]


def kubectl_kustomize_available():
    if not shutil.which("kubectl"):
        return False
    return subprocess.run(["kubectl", "kustomize", "--help"], capture_output=True).returncode == 0


def key(d):
    return (d["kind"], d["metadata"]["name"])


def by_kind(docs, kind):
    return {d["metadata"]["name"]: d for d in docs if d["kind"] == kind}


class OverlayInvariants:
    overlay = None

    @classmethod
    def setUpClass(cls):
        import tempfile
        cls.docs = render(cls.overlay)
        cls._tmp = tempfile.TemporaryDirectory()
        cls.tmp = cls._tmp.name

    @classmethod
    def tearDownClass(cls):
        cls._tmp.cleanup()

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
                        # The Secret is created by the operator (docs/operations.md, "Secrets"),
                        # with exactly these keys; it is not part of the manifests.
                        self.assertEqual(ref["name"], OPERATOR_SECRET, f"{kind}/{name}")
                        self.assertIn(ref["key"], OPERATOR_SECRET_KEYS, f"{kind}/{name}")
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
        allowed = [{"podSelector": {"matchLabels": {"app.kubernetes.io/part-of": "govinspect"}}},
                   {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "keda"}}}]
        for r in redis_port_rules:
            for f in r["from"]:
                self.assertIn(f, allowed)
        self.assertTrue(sources)

    def test_renderer_agrees_with_kubectl(self):
        if not kubectl_kustomize_available():
            self.skipTest("kubectl kustomize not installed: render_kustomize.py alone")
        ours = {key(d): d for d in self.docs}
        theirs = {key(d): d for d in render_with_kubectl(self.overlay)}
        self.assertEqual(sorted(ours), sorted(theirs))
        for k in ours:
            self.assertEqual(ours[k], theirs[k], k)

    def deployment(self, name):
        return by_kind(self.docs, "Deployment")[name]

    def test_scaled_deployments_have_no_replicas(self):
        # `replicas:` in an applied manifest resets what KEDA chose, on every apply.
        for so in by_kind(self.docs, "ScaledObject").values():
            target = so["spec"]["scaleTargetRef"]["name"]
            self.assertNotIn("replicas", self.deployment(target)["spec"], target)

    def test_keda_reaches_redis_and_triggers_match_what_a_replica_holds(self):
        ns = by_kind(self.docs, "Namespace")
        self.assertEqual(len(ns), 1)
        namespace = next(iter(ns))
        for worker, so in by_kind(self.docs, "ScaledObject").items():
            flags = self.flags_of(worker)
            threads = int(flags["worker_threads"])
            saw_activation = False
            for t in so["spec"]["triggers"]:
                m = t["metadata"]
                # KEDA's operator resolves names in its own namespace.
                self.assertEqual(m["address"], f"redis.{namespace}.svc:6379", worker)
                if "pendingEntriesCount" in m:
                    self.assertEqual(int(m["pendingEntriesCount"]), threads,
                                     f"{worker}: pendingEntriesCount vs --worker_threads")
                if "lagCount" in m:
                    self.assertIn("activationLagCount", m, worker)
                    saw_activation = True
            self.assertTrue(saw_activation, worker)
            behavior = so["spec"]["advanced"]["horizontalPodAutoscalerConfig"]["behavior"]
            self.assertGreaterEqual(behavior["scaleDown"]["stabilizationWindowSeconds"], 300,
                                    worker)
        policy = by_kind(self.docs, "NetworkPolicy")["redis"]
        keda = [r for r in policy["spec"]["ingress"]
                if {"namespaceSelector": {"matchLabels": {"kubernetes.io/metadata.name": "keda"}}}
                in r["from"] and any(p["port"] == 6379 for p in r["ports"])]
        self.assertTrue(keda, "no NetworkPolicy rule lets KEDA's namespace reach Redis")

    def test_scale_down_and_drains_never_kill_a_crawl(self):
        spec = self.deployment("crawler")["spec"]["template"]["spec"]
        flags = self.flags_of("crawler")
        self.assertGreater(spec["terminationGracePeriodSeconds"],
                           parse_seconds(flags["crawl_budget"]) +
                           parse_seconds(flags["shutdown_grace"]))
        for name, pdb in by_kind(self.docs, "PodDisruptionBudget").items():
            # With one pod, minAvailable: 1 (or maxUnavailable: 0) blocks every node drain.
            self.assertNotIn("minAvailable", pdb["spec"], name)
            self.assertGreaterEqual(pdb["spec"]["maxUnavailable"], 1, name)

    def test_pods_with_a_read_write_once_claim_are_recreated(self):
        claims = by_kind(self.docs, "PersistentVolumeClaim")
        for name, d in by_kind(self.docs, "Deployment").items():
            for v in d["spec"]["template"]["spec"].get("volumes", []):
                c = v.get("persistentVolumeClaim")
                if c and "ReadWriteOnce" in claims[c["claimName"]]["spec"]["accessModes"]:
                    self.assertEqual(d["spec"].get("strategy", {}).get("type"), "Recreate", name)

    def test_report_writes_to_its_volume_and_reads_scoring(self):
        flags = self.flags_of("report")
        mounts = {m["mountPath"] for m in
                  self.deployment("report")["spec"]["template"]["spec"]["containers"][0]["volumeMounts"]
                  if m["name"] == "reports"}
        self.assertIn(flags["reports_dir"], mounts)
        self.assertEqual(flags["scoring_address"], "scoring:50055")

    def test_redis_has_guaranteed_qos_and_room_for_an_aof_rewrite(self):
        redis = by_kind(self.docs, "StatefulSet")["redis"]
        for c in redis["spec"]["template"]["spec"]["containers"]:
            r = c["resources"]
            self.assertEqual(r["requests"], r["limits"], f"redis/{c['name']}: not Guaranteed")
        c = redis["spec"]["template"]["spec"]["containers"][0]
        args = c["args"]
        maxmemory = parse_bytes(args[args.index("--maxmemory") + 1])
        self.assertLessEqual(maxmemory, 0.65 * parse_bytes(c["resources"]["limits"]["memory"]))

    def test_no_secret_ships_and_no_placeholder_anywhere(self):
        self.assertEqual(by_kind(self.docs, "Secret"), {})
        text = yaml.safe_dump_all(self.docs)
        self.assertNotIn("change-me", text)

    def test_workers_reach_any_port_outside_private_ranges(self):
        policy = by_kind(self.docs, "NetworkPolicy")["workers-egress"]
        open_rules = [r for r in policy["spec"]["egress"] if "ports" not in r and "to" in r]
        self.assertTrue(open_rules, "no egress rule without a port list")
        blocks = [t["ipBlock"] for r in open_rules for t in r["to"] if "ipBlock" in t]
        v4 = [b for b in blocks if b["cidr"] == "0.0.0.0/0"]
        self.assertTrue(v4)
        for private in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "169.254.0.0/16"):
            self.assertIn(private, v4[0]["except"])

    def test_quarterly_round_dates_the_quarter_in_china(self):
        cron = by_kind(self.docs, "CronJob")["quarterly-round"]
        self.assertEqual(cron["spec"]["timeZone"], "Asia/Shanghai")
        c = cron["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]
        env = {e["name"]: e.get("value") for e in c.get("env", [])}
        script = c["args"][0]
        as_of_line = [l for l in script.splitlines() if l.strip().startswith("as_of=")][0]
        # The schedule fires at 02:00 on 1 April in Shanghai: 18:00 on 31 March in UTC.
        fired = "2025-03-31 18:00:00 UTC"
        out = subprocess.run(
            ["sh", "-c", as_of_line.strip().replace("$(date +%Y-%m-01)",
                                                    f"$(date -d '{fired}' +%Y-%m-01)")
             + '; echo "$as_of"'],
            env={"PATH": os.environ["PATH"], "TZ": env.get("TZ", "")},
            check=True, capture_output=True, text=True).stdout.strip()
        self.assertEqual(out, "2025-03-31")

    def test_flags_files_complete_for_production(self):
        bin_dir = os.environ.get("BIN_DIR")
        if not bin_dir:
            self.skipTest("BIN_DIR not set (ctest sets it): binaries not checked")
        cm = [d for d in self.docs if d["kind"] == "ConfigMap"][0]
        for s in SERVICES:
            exe = pathlib.Path(bin_dir) / "services" / s / s
            self.assertTrue(exe.exists(), exe)
            flagfile = pathlib.Path(self.tmp) / f"{s}.flags"
            flagfile.write_text(cm["data"][f"{s}.flags"])
            # Every flag of the file exists (abseil refuses unknown ones).
            r = subprocess.run([str(exe), f"--flagfile={flagfile}", "--version"],
                               capture_output=True, text=True)
            self.assertEqual(r.returncode, 0, f"{s}.flags: {r.stderr.strip()}")
            # Every flag whose default suits only a developer's machine is set.
            missing = sorted(set(dev_only_defaults(exe)) - set(self.flags_of(s)))
            self.assertEqual(missing, [], f"{s}.flags lacks flags the binary needs in production")

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


# Defaults that only make sense on a developer's machine or in tests.
DEV_ONLY = re.compile(r"127\.0\.0\.1|localhost|\.sim\b|\"/tmp/|" + re.escape(str(ROOT)))


def dev_only_defaults(exe):
    """Flags of EXE (from --helpfull) whose default names loopback, the simulator, /tmp or the
    source tree."""
    r = subprocess.run([str(exe), "--helpfull"], capture_output=True, text=True)
    text = r.stdout + r.stderr
    out = []
    for m in re.finditer(r"^    --(\w+) \(.*?\);\s+default: (.*?);$", text, re.S | re.M):
        name, default = m.group(1), m.group(2)
        if DEV_ONLY.search(default):
            out.append(name)
    return out


def exported_metrics():
    """Every metric name govinspect's code registers (prometheus-cpp `.Name("…")`), with the
    series names of histograms and summaries."""
    names = set()
    for f in list((ROOT / "common").rglob("*.cc")) + list((ROOT / "services").rglob("*.cc")):
        if f.name.endswith("_test.cc"):
            continue
        for m in re.findall(r'Name\("((?:govinspect|grpc)_[a-z0-9_]+)"\)', f.read_text()):
            names |= {m, m + "_bucket", m + "_sum", m + "_count"}
    return names


def metric_names(expr):
    """The govinspect_* and grpc_* metric names an expression reads (label names and label
    values left out)."""
    expr = re.sub(r"\{[^}]*\}", "", expr)
    expr = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", "", expr)
    expr = re.sub(r'"[^"]*"', "", expr)
    return set(re.findall(r"\b((?:govinspect|grpc)_[a-z0-9_]+)", expr))


def parse_bytes(v):
    v = str(v)
    units = {"Ki": 1 << 10, "Mi": 1 << 20, "Gi": 1 << 30, "kb": 1000, "mb": 1 << 20,
             "gb": 1 << 30, "k": 1000, "M": 10 ** 6, "G": 10 ** 9}
    for u in sorted(units, key=len, reverse=True):
        if v.endswith(u):
            return float(v[:-len(u)]) * units[u]
    return float(v)


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

    def test_promtool_unit_tests_cover_every_alert(self):
        r = subprocess.run(["promtool", "test", "rules",
                            str(DEPLOY / "prometheus" / "rules_test.yml")],
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        rules = yaml.safe_load((DEPLOY / "prometheus" / "rules.yml").read_text())
        alerts = {r["alert"] for g in rules["groups"] for r in g["rules"] if "alert" in r}
        tests = yaml.safe_load((DEPLOY / "prometheus" / "rules_test.yml").read_text())["tests"]
        fires, quiet = set(), set()
        for t in tests:
            for a in t.get("alert_rule_test", []):
                (fires if a.get("exp_alerts") else quiet).add(a["alertname"])
        self.assertEqual(alerts - fires, set(), "alerts never shown to fire")
        self.assertEqual(alerts - quiet, set(), "alerts never shown to stay quiet")

    def test_alerts_and_panels_name_only_exported_metrics(self):
        exported = exported_metrics()
        used = {}
        rules = yaml.safe_load((DEPLOY / "prometheus" / "rules.yml").read_text())
        for g in rules["groups"]:
            for r in g["rules"]:
                for m in metric_names(r["expr"]):
                    used.setdefault(m, set()).add(f"rule {r.get('alert', r.get('record'))}")
        for f in sorted((DEPLOY / "grafana" / "dashboards").glob("*.json")):
            d = json.loads(f.read_text())
            for p in d["panels"]:
                for t in p.get("targets", []):
                    for m in metric_names(t.get("expr", "")):
                        used.setdefault(m, set()).add(f"{f.name} panel {p['id']}")
            for v in d["templating"]["list"]:
                for m in metric_names(json.dumps(v.get("query", ""))):
                    used.setdefault(m, set()).add(f"{f.name} variable {v['name']}")
        unknown = {m: sorted(w) for m, w in used.items() if m not in exported}
        self.assertEqual(unknown, {}, "metrics no service exports")

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
    unittest.main(verbosity=2)
