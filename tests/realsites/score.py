#!/usr/bin/env python3
"""Scores `govinspect site check --output json` observations of the development sites
(tests/fixtures/realsites) against their truth.json, per finding kind.

Usage: score.py FIXTURE_DIR OBS_DIR [--min-precision P] [--min-recall R]
  OBS_DIR holds one <host>.json per site (the CheckSiteResponse in proto-JSON).

Every planted problem of a site is an expectation; every finding the crawler reports is judged
against them: a finding that matches an expectation is a true positive, any other finding is a
false positive (truth.json lists every planted problem and every trap of a site). A truth key
given as null is not judged (findings of its kind are ignored). Exit 1 when the overall precision
or recall is below the bounds, 2 on bad input.
"""
import json
import os
import sys
import urllib.parse
from collections import defaultdict

FOOTER = {
    "网站标识码": "footer_missing_site_code",
    "ICP备案": "footer_missing_icp",
    "公安机关备案": "footer_missing_police",
    "党政机关网站标识": "footer_missing_badge",
    "主办单位": "footer_missing_sponsor",
    "网站地图": "footer_missing_sitemap",
    "我为政府网站找错": "footer_missing_error_report",
}

# Truth keys whose entries are titles of pages (matched by the page's text).
TITLE_KEYS = {
    "unanswered_over_3_months": "message_unanswered",
    "late_replies": "reply_late",
    "survey_feedback_late": "survey_feedback_late",
    "survey_missing_dates": "survey_no_dates",
    "survey_expired_but_open": "survey_open_after_end",
    "survey_feedback_before_document": "survey_feedback_before_document",
}


def path_of(url):
    p = urllib.parse.urlsplit(url)
    return urllib.parse.unquote(p.path) + (("?" + p.query) if p.query else "")


class Site:
    def __init__(self, root, host):
        self.root = os.path.join(root, host)
        self.cache = {}

    def text(self, url):
        """The decoded text of the fixture file behind a URL ("" if none)."""
        path = path_of(url).split("?")[0]
        if path in self.cache:
            return self.cache[path]
        cands = [path]
        if path.endswith("/"):
            cands = [path + "index.html", path + "index.htm"]
        data = b""
        for c in cands:
            f = os.path.join(self.root, c.lstrip("/"))
            if os.path.isfile(f):
                with open(f, "rb") as fh:
                    data = fh.read()
                break
        try:
            t = data.decode("utf-8")
        except UnicodeDecodeError:
            t = data.decode("gb18030", errors="replace")
        self.cache[path] = t
        return t


def expectations(truth):
    """(kind, key) set of the planted problems, and the kinds not judged for this site."""
    exp = set()
    unjudged = set()
    for name in truth.get("stale_news_columns", []) + truth.get("stale_notice_policy_columns", []) + \
            truth.get("long_stale_columns", []):
        exp.add(("column_not_updated", name))
    for name in truth.get("blank_columns", []):
        exp.add(("blank_column", name))
    if truth.get("home_not_updated"):
        exp.add(("home_not_updated", ""))
    for p in truth.get("broken_links_home", []):
        exp.add(("broken_link", p))
    for p in truth.get("missing_attachments", []):
        exp.add(("missing_attachment", p))
    for p in truth.get("missing_images", []):
        exp.add(("missing_image", p))
    for o in truth.get("outdated_names", []):
        exp.add(("abolished_name", o["page"] + " " + o["text"]))
    ids = truth.get("privacy_leak_ids")
    for leak in truth.get("privacy_leaks", []):
        if ids:
            for i in ids:
                exp.add(("privacy_id_number", leak["page"] + " " + i))
        else:
            exp.add(("privacy_id_number", leak["page"]))
    for key, kind in TITLE_KEYS.items():
        if key in truth and truth[key] is None:
            unjudged.add(kind)
        for title in truth.get(key) or []:
            exp.add((kind, title))
    if "stats_published" in truth:
        if truth["stats_published"] is False:
            exp.add(("no_message_statistics", ""))
    if "survey_count_past_year" in truth and truth["survey_count_past_year"] is not None:
        if truth["survey_count_past_year"] < 4:
            exp.add(("survey_too_few", ""))
    for page, _ in (truth.get("service_guide_missing_elements") or {}).items():
        exp.add(("service_guide_incomplete", page))
    if truth.get("basic_info_stale") is None:
        unjudged.add("profile_stale")
    elif truth["basic_info_stale"]:
        exp.add(("profile_stale", ""))
    for item in truth.get("footer_missing", []):
        exp.add((FOOTER[item], ""))
    if truth.get("site_code_valid") is False:
        exp.add(("site_code_invalid", ""))
    if truth.get("search") is False:
        exp.add(("no_search", ""))
    if truth.get("viewport") is False:
        exp.add(("no_viewport", ""))
    if truth.get("domain_ok") is False:
        exp.add(("domain_irregular", ""))
    if truth.get("consultation_channel") is False:
        exp.add(("no_consultation_channel", ""))
    return exp, unjudged


def finding_keys(f, site, exp):
    """The keys a finding could stand for (the first that is expected wins)."""
    kind = f.get("kind", "")
    url, src, text = f.get("url", ""), f.get("sourceUrl", f.get("source_url", "")), f.get("text", "")
    if kind in ("column_not_updated", "blank_column"):
        return [text]
    if kind in ("broken_link", "missing_attachment", "missing_image", "service_guide_incomplete"):
        return [path_of(url)]
    if kind == "abolished_name":
        return [path_of(src or url) + " " + text]
    if kind == "privacy_id_number":
        page = path_of(src or url)
        return [page + " " + text, page]
    if kind in TITLE_KEYS.values():
        titles = [k for (kk, k) in exp if kk == kind]
        pages = [site.text(u) for u in (url, src) if u]
        return [t for t in titles if any(t in p for p in pages)] or ["<" + path_of(url) + ">"]
    return [""]


def main():
    args = sys.argv[1:]
    min_p, min_r = 0.0, 0.0
    if "--min-precision" in args:
        i = args.index("--min-precision")
        min_p = float(args[i + 1])
        del args[i:i + 2]
    if "--min-recall" in args:
        i = args.index("--min-recall")
        min_r = float(args[i + 1])
        del args[i:i + 2]
    if len(args) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    fixture, obs_dir = args
    with open(os.path.join(fixture, "truth.json"), encoding="utf-8") as fh:
        truth = json.load(fh)
    tp, fp, fn = defaultdict(int), defaultdict(int), defaultdict(int)
    lines = []
    for host, st in sorted(truth["sites"].items()):
        obs_file = os.path.join(obs_dir, host + ".json")
        try:
            with open(obs_file, encoding="utf-8") as fh:
                obs = json.load(fh)
        except (OSError, ValueError) as e:
            print(f"cannot read {obs_file}: {e}", file=sys.stderr)
            return 2
        obs = obs.get("observation", obs)
        site = Site(fixture, host)
        exp, unjudged = expectations(st)
        found = set()
        for f in obs.get("findings", []):
            kind = f.get("kind", "")
            if kind in unjudged:
                continue
            keys = finding_keys(f, site, exp)
            hit = next((k for k in keys if (kind, k) in exp), None)
            if hit is not None:
                if (kind, hit) not in found:
                    found.add((kind, hit))
                    tp[kind] += 1
                continue
            fp[kind] += 1
            lines.append(f"  FP {host} {kind} {keys[0]} | {f.get('detail', '')}")
        for kind, key in sorted(exp - found):
            fn[kind] += 1
            lines.append(f"  FN {host} {kind} {key}")
    kinds = sorted(set(tp) | set(fp) | set(fn))
    print(f"{'kind':34} {'TP':>4} {'FP':>4} {'FN':>4} {'prec':>6} {'recall':>6}")
    for k in kinds:
        p = tp[k] / (tp[k] + fp[k]) if tp[k] + fp[k] else 1.0
        r = tp[k] / (tp[k] + fn[k]) if tp[k] + fn[k] else 1.0
        print(f"{k:34} {tp[k]:4} {fp[k]:4} {fn[k]:4} {p:6.3f} {r:6.3f}")
    T, F, N = sum(tp.values()), sum(fp.values()), sum(fn.values())
    prec = T / (T + F) if T + F else 1.0
    rec = T / (T + N) if T + N else 1.0
    print(f"{'all':34} {T:4} {F:4} {N:4} {prec:6.3f} {rec:6.3f}")
    print("\n".join(lines))
    if prec < min_p or rec < min_r:
        print(f"FAIL: precision {prec:.3f} (at least {min_p}), recall {rec:.3f} (at least {min_r})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
