#!/usr/bin/env python3
"""Verify a real-article dev-set manifest against a texts file.

Usage: check.py MANIFEST TEXTS.jsonl [--join OUT.jsonl [--verified-only]]

MANIFEST      models/devset/real-articles.jsonl (id, query, url, labels, reason, sha256, length)
TEXTS.jsonl   one JSON object per line: {"id", "url", "title", "text"} (kept outside the repo)

For every manifest id the text must exist and its SHA-256 (of the UTF-8 bytes) and
length (Python len(), i.e. code points) must match the manifest. Prints positive counts
per label, the number of articles with no label and with several labels, then every
mismatch and missing id. Exits 1 if anything is missing or mismatched (or the manifest
itself is malformed), 0 otherwise. With --join, also writes OUT.jsonl (outside the repo):
{"id","title","text","topics"} per verified article, the labelled form that
`policywatch eval --data` and `policywatch train --dev` read. --join writes nothing while any
text is missing or mismatched, unless --verified-only is given: then it joins the verified
ones, says how many it left out (their figures are then on a smaller set), and still exits 1.
-h or --help prints this text. Standard library only.
"""
import hashlib
import json
import sys
from collections import Counter

SLUGS = (
    "export-controls", "open-weights", "pax-silica", "chips-compute",
    "model-distillation", "ai-sovereignty", "defense-ai", "us-china-ai-race",
)
MANIFEST_FIELDS = ("id", "query", "url", "labels", "reason", "sha256", "length")


def read_jsonl(path):
    rows = []
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f"{path}:{n}: invalid JSON: {e}")
    return rows


def main(argv):
    if any(a in ("-h", "--help") for a in argv[1:]):
        print(__doc__.strip())
        return 0
    join = None
    verified_only = "--verified-only" in argv
    argv = [a for a in argv if a != "--verified-only"]
    if len(argv) == 5 and argv[3] == "--join":
        join, argv = argv[4], argv[:3]
    if len(argv) != 3 or (verified_only and not join):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    manifest = read_jsonl(argv[1])
    texts = read_jsonl(argv[2])

    problems = []  # (kind, id, detail)

    # manifest sanity
    seen_ids, seen_urls = set(), set()
    for m in manifest:
        rid = m.get("id", "?")
        missing_fields = [k for k in MANIFEST_FIELDS if k not in m]
        if missing_fields:
            problems.append(("manifest", rid, f"missing fields {missing_fields}"))
            continue
        if rid in seen_ids:
            problems.append(("manifest", rid, "duplicate id"))
        if m["url"] in seen_urls:
            problems.append(("manifest", rid, f"duplicate url {m['url']}"))
        seen_ids.add(rid)
        seen_urls.add(m["url"])
        bad = [s for s in m["labels"] if s not in SLUGS]
        if bad:
            problems.append(("manifest", rid, f"unknown labels {bad}"))
        if "text" in m:
            problems.append(("manifest", rid, "manifest must not contain article text"))

    by_id = {}
    for t in texts:
        if "id" not in t or "text" not in t:
            problems.append(("texts", t.get("id", "?"), "line lacks id or text"))
            continue
        if t["id"] in by_id:
            problems.append(("texts", t["id"], "duplicate id in texts"))
        by_id[t["id"]] = t

    missing, mismatched, ok = [], [], 0
    non_bmp = 0
    for m in manifest:
        if any(k not in m for k in MANIFEST_FIELDS):
            continue
        t = by_id.get(m["id"])
        if t is None:
            missing.append(m["id"])
            continue
        text = t["text"]
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        details = []
        if sha != m["sha256"]:
            details.append(f"sha256 {sha[:12]}… != {m['sha256'][:12]}…")
        if len(text) != m["length"]:
            details.append(f"length {len(text)} != {m['length']}")
        if t.get("url") is not None and t["url"] != m["url"]:
            details.append(f"url differs: {t['url']}")
        if details:
            mismatched.append((m["id"], "; ".join(details)))
        else:
            ok += 1
        if any(ord(c) > 0xFFFF for c in text):
            non_bmp += 1
    extra = sorted(set(by_id) - {m.get("id") for m in manifest})

    # report
    labels = Counter(s for m in manifest for s in m.get("labels", []))
    n = len(manifest)
    none = sum(1 for m in manifest if not m.get("labels"))
    multi = sum(1 for m in manifest if len(m.get("labels", [])) > 1)
    print(f"articles in manifest: {n}   texts: {len(texts)}   verified: {ok}")
    print("positives per label:")
    for s in SLUGS:
        print(f"  {s:20s} {labels.get(s, 0)}")
    print(f"no label: {none} ({100.0 * none / n:.1f}%)" if n else "no label: 0")
    print(f"multi-label: {multi}")
    if non_bmp:
        print(f"note: {non_bmp} texts contain characters outside the BMP; 'length' is Python len() (code points)")
    if extra:
        print(f"note: {len(extra)} text ids not in manifest (ignored): {', '.join(extra[:10])}")
    print(f"missing: {len(missing)}")
    for rid in missing:
        print(f"  MISSING {rid}")
    print(f"mismatches: {len(mismatched)}")
    for rid, d in mismatched:
        print(f"  MISMATCH {rid}: {d}")
    for kind, rid, d in problems:
        print(f"  PROBLEM [{kind}] {rid}: {d}")
    if join and (verified_only or not (missing or mismatched or problems)):
        bad = set(missing) | {rid for rid, _ in mismatched} | {rid for _, rid, _ in problems}
        kept = [m for m in manifest if m["id"] not in bad and m["id"] in by_id]
        with open(join, "w", encoding="utf-8") as out:
            for m in kept:
                t = by_id[m["id"]]
                out.write(json.dumps({"id": m["id"], "title": t.get("title") or "", "text": t["text"], "topics": m["labels"]}, ensure_ascii=False) + "\n")
        print(f"joined {len(kept)} labelled articles into {join}" + (f" (left out {len(manifest) - len(kept)} unverified)" if len(kept) < len(manifest) else ""))
    return 1 if (missing or mismatched or problems) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
