#!/usr/bin/env python3
"""Renders a kustomization of deploy/k8s the way `kubectl kustomize` (kustomize v5) does, for
machines without kubectl (Debian 12 has no kubectl with kustomize v4+). Python 3 and python3-yaml
only.

It implements the part of kustomize that deploy/k8s uses, and refuses anything else (so a new
field in a kustomization cannot be silently ignored):
  resources (files and directories holding a kustomization.yaml), namespace, labels (pairs,
  includeSelectors, includeTemplates), configMapGenerator (files; the name gets kustomize's
  content hash suffix, and references to it in pod specs are renamed), images (newName, newTag),
  replicas, patches (RFC 6902 JSON patches in YAML, with a target kind and name).

tests/deploy/deploy_test.py checks that its output equals kubectl's where kubectl is installed.

  render_kustomize.py DIR            prints the rendered documents (YAML, `---` separated)
"""
import copy
import hashlib
import json
import pathlib
import sys

import yaml

CLUSTER_SCOPED = {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                  "PersistentVolume", "StorageClass", "PriorityClass"}
KNOWN_FIELDS = {"apiVersion", "kind", "namespace", "labels", "resources", "configMapGenerator",
                "images", "replicas", "patches"}
# Kinds whose pod template gets labels when includeTemplates is set (as kustomize's fieldspecs).
TEMPLATE_PATHS = {
    "Deployment": [["spec", "template"]],
    "StatefulSet": [["spec", "template"]],
    "DaemonSet": [["spec", "template"]],
    "ReplicaSet": [["spec", "template"]],
    "Job": [["spec", "template"]],
    "CronJob": [["spec", "jobTemplate"], ["spec", "jobTemplate", "spec", "template"]],
}


class KustomizeError(Exception):
    pass


def _hash_suffix(cm):
    """kustomize's ConfigMap name hash: sha256 of the JSON of kind, name and data, first 10 hex
    digits with 0, 1, 3, a, e replaced (so the suffix is never all digits or a bad word). The
    name kustomize v5 hashes is empty (its lookup of "metadata/name" finds no such field), so
    the suffix depends on the data only."""
    doc = {"kind": "ConfigMap", "name": "", "data": cm.get("data", {})}
    text = json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    # Go's encoding/json escapes these three for HTML safety; keep the same bytes.
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans({"0": "g", "1": "h", "3": "k", "a": "m", "e": "t"}))


def _json_pointer(path):
    if not path.startswith("/"):
        raise KustomizeError(f"patch path {path!r} is not a JSON pointer")
    parts = [p.replace("~1", "/").replace("~0", "~") for p in path[1:].split("/")]
    return parts


def _walk(doc, parts, path):
    node = doc
    for p in parts:
        if isinstance(node, list):
            node = node[int(p)]
        elif isinstance(node, dict):
            if p not in node:
                raise KustomizeError(f"patch path {path} does not exist")
            node = node[p]
        else:
            raise KustomizeError(f"patch path {path} does not exist")
    return node


def _apply_json6902(doc, ops):
    for op in ops:
        kind, path = op["op"], op["path"]
        parts = _json_pointer(path)
        parent = _walk(doc, parts[:-1], path)
        last = parts[-1]
        if kind in ("replace", "add"):
            value = copy.deepcopy(op["value"])
            if isinstance(parent, list):
                if last == "-":
                    parent.append(value)
                elif kind == "add":
                    parent.insert(int(last), value)
                else:
                    parent[int(last)] = value
            else:
                if kind == "replace" and last not in parent:
                    raise KustomizeError(f"patch path {path} does not exist")
                parent[last] = value
        elif kind == "remove":
            if isinstance(parent, list):
                del parent[int(last)]
            else:
                del parent[last]
        else:
            raise KustomizeError(f"patch op {kind!r} not supported")


def _set_labels(node, pairs):
    node.setdefault("metadata", {})
    labels = node["metadata"].get("labels") or {}
    labels.update(pairs)
    node["metadata"]["labels"] = labels


def _pod_specs(doc):
    kind = doc.get("kind")
    if kind in ("Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"):
        yield doc["spec"]["template"]["spec"]
    elif kind == "CronJob":
        yield doc["spec"]["jobTemplate"]["spec"]["template"]["spec"]


def _rename_configmap_refs(docs, renames):
    for d in docs:
        for spec in _pod_specs(d):
            for v in spec.get("volumes", []) or []:
                cm = v.get("configMap")
                if cm and cm.get("name") in renames:
                    cm["name"] = renames[cm["name"]]
            for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
                for e in c.get("envFrom", []) or []:
                    ref = e.get("configMapRef")
                    if ref and ref.get("name") in renames:
                        ref["name"] = renames[ref["name"]]
                for e in c.get("env", []) or []:
                    ref = (e.get("valueFrom") or {}).get("configMapKeyRef")
                    if ref and ref.get("name") in renames:
                        ref["name"] = renames[ref["name"]]


def _set_image(image, images):
    name, sep, tag = image.partition(":")
    if "@" in image:
        name, tag, sep = image.split("@")[0], "", ""
    for i in images:
        if i["name"] == name:
            new = i.get("newName", name)
            new_tag = i.get("newTag", tag if sep else "")
            return f"{new}:{new_tag}" if new_tag else new
    return image


def render(directory):
    """Returns the rendered documents of the kustomization in DIRECTORY (a list of dicts)."""
    directory = pathlib.Path(directory)
    kfile = directory / "kustomization.yaml"
    if not kfile.exists():
        raise KustomizeError(f"{directory}: no kustomization.yaml")
    k = yaml.safe_load(kfile.read_text()) or {}
    unknown = set(k) - KNOWN_FIELDS
    if unknown:
        raise KustomizeError(f"{kfile}: fields not supported here: {sorted(unknown)}")

    docs = []
    for r in k.get("resources", []):
        p = directory / r
        if p.is_dir():
            docs.extend(render(p))
        else:
            docs.extend(d for d in yaml.safe_load_all(p.read_text()) if d)

    renames = {}
    for g in k.get("configMapGenerator", []):
        unknown = set(g) - {"name", "files"}
        if unknown:
            raise KustomizeError(f"{kfile}: configMapGenerator fields not supported: {unknown}")
        data = {}
        for f in g.get("files", []):
            key, _, path = f.partition("=") if "=" in f else (pathlib.Path(f).name, "", f)
            data[key] = (directory / path).read_text()
        cm = {"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": g["name"]},
              "data": data}
        docs.append(cm)

    # namespace
    ns = k.get("namespace")
    if ns:
        for d in docs:
            if d["kind"] not in CLUSTER_SCOPED:
                d.setdefault("metadata", {})["namespace"] = ns
            if d["kind"] == "Namespace":
                pass
    # labels
    for entry in k.get("labels", []):
        pairs = entry.get("pairs", {})
        for d in docs:
            _set_labels(d, pairs)
            if entry.get("includeSelectors"):
                raise KustomizeError("labels with includeSelectors are not supported here")
            if entry.get("includeTemplates"):
                for path in TEMPLATE_PATHS.get(d["kind"], []):
                    node = d
                    for p in path:
                        node = node.get(p, {})
                    _set_labels(node, pairs)
                if d["kind"] == "StatefulSet":
                    for t in d["spec"].get("volumeClaimTemplates", []) or []:
                        _set_labels(t, pairs)
    # images
    images = k.get("images", [])
    if images:
        for d in docs:
            for spec in _pod_specs(d):
                for c in (spec.get("containers") or []) + (spec.get("initContainers") or []):
                    c["image"] = _set_image(c["image"], images)
    # replicas
    for r in k.get("replicas", []):
        hit = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet", "ReplicaSet")
               and d["metadata"]["name"] == r["name"]]
        if not hit:
            raise KustomizeError(f"{kfile}: replicas: no resource named {r['name']}")
        for d in hit:
            d["spec"]["replicas"] = r["count"]
    # patches
    for patch in k.get("patches", []):
        target = patch.get("target", {})
        unknown = set(target) - {"kind", "name"}
        if unknown or "path" in patch:
            raise KustomizeError(f"{kfile}: patch form not supported here: {patch}")
        ops = yaml.safe_load(patch["patch"])
        if not isinstance(ops, list):
            raise KustomizeError(f"{kfile}: only JSON 6902 patches are supported here")
        hit = [d for d in docs if d["kind"] == target.get("kind", d["kind"])
               and d["metadata"]["name"] == target.get("name", d["metadata"]["name"])]
        if not hit:
            raise KustomizeError(f"{kfile}: patch target {target} matches nothing")
        for d in hit:
            _apply_json6902(d, ops)

    # Generated names last (kustomize hashes the final data, after labels and namespace).
    for d in docs:
        if d["kind"] == "ConfigMap" and any(g["name"] == d["metadata"]["name"]
                                            for g in k.get("configMapGenerator", [])):
            old = d["metadata"]["name"]
            d["metadata"]["name"] = f"{old}-{_hash_suffix(d)}"
            renames[old] = d["metadata"]["name"]
    _rename_configmap_refs(docs, renames)
    return docs


def main(argv):
    if len(argv) != 2:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        return 2
    try:
        docs = render(argv[1])
    except (KustomizeError, OSError, KeyError, yaml.YAMLError) as e:
        print(f"render_kustomize: {e}", file=sys.stderr)
        return 1
    sys.stdout.write(yaml.safe_dump_all(docs, sort_keys=True, allow_unicode=True))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
