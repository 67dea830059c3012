#!/usr/bin/env python3
"""Writes deploy/k8s/base/prometheusrule.yaml from deploy/prometheus/rules.yml."""
import pathlib
import yaml

deploy = pathlib.Path(__file__).resolve().parent.parent
rules = yaml.safe_load((deploy / "prometheus" / "rules.yml").read_text())
doc = {
    "apiVersion": "monitoring.coreos.com/v1",
    "kind": "PrometheusRule",
    "metadata": {"name": "govinspect"},
    "spec": rules,
}
header = ("# Generated from deploy/prometheus/rules.yml (the test checks they are equal):\n"
          "#   python3 deploy/tools/sync_prometheusrule.py\n")
(deploy / "k8s" / "base" / "prometheusrule.yaml").write_text(
    header + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100))
