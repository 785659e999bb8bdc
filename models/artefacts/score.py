#!/usr/bin/env python3
"""Score artefact-reference predictions against the hand-labelled set.

Usage: score.py GOLD.jsonl PRED.jsonl [--errors]

GOLD.jsonl  models/artefacts/labelled.jsonl: one {"id", "text", "artefacts": [{"id", "start", "end"}]} per line
PRED.jsonl  one {"id", "artefacts": [{"id", "kind", "start", "end", "text"}]} per line, as written by
            `policywatch artefacts recognise --in FILE.jsonl --out FILE.jsonl`

Offsets are UTF-16 code units with `end` exclusive (for the BMP-only texts of the labelled set these equal
Python string indices). A predicted reference is correct when its canonical id, start and end all equal those
of a gold reference of the same passage; the kind is the id's prefix before the first ':'.

Prints, per kind and overall (micro-averaged), the gold and predicted counts, true positives, precision,
recall and F1. Passages missing from PRED count as having no predictions; PRED lines whose id is not in GOLD
are reported on stderr and ignored. A prediction whose "text" differs from the gold passage's text at its
span, or whose "kind" differs from its id's prefix, is reported on stderr (it is still scored by id and span).
--errors lists every false positive (FP) and false negative (FN) with the passage id and span text.
Exit status: 0 when scored, 2 on a usage or input error.
"""
import json
import sys
from collections import Counter


def kind_of(ref_id):
    return ref_id.split(':', 1)[0]


def load_jsonl(path):
    rows = []
    with open(path, encoding='utf-8') as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError as e:
                raise SystemExit(f'{path}:{n}: not valid JSON: {e}')
    return rows


def utf16_slice(text, start, end):
    """text[start:end] with start/end counted in UTF-16 code units (identical to str slicing for BMP text)."""
    if all(ord(ch) < 0x10000 for ch in text):
        return text[start:end]
    data = text.encode('utf-16-le')
    return data[2 * start:2 * end].decode('utf-16-le', errors='replace')


def spans(refs, where):
    out = set()
    for r in refs:
        try:
            out.add((str(r['id']), int(r['start']), int(r['end'])))
        except (KeyError, TypeError, ValueError):
            raise SystemExit(f'{where}: artefact without a valid id/start/end: {r!r}')
    return out


def ratio(a, b):
    return a / b if b else 0.0


def main(argv):
    args = [a for a in argv[1:] if not a.startswith('--')]
    flags = {a for a in argv[1:] if a.startswith('--')}
    if len(args) != 2 or flags - {'--errors'}:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    gold_rows = load_jsonl(args[0])
    pred_rows = load_jsonl(args[1])
    gold = {}
    texts = {}
    for row in gold_rows:
        gold[row['id']] = spans(row.get('artefacts', []), f"{args[0]}: {row['id']}")
        texts[row['id']] = row['text']
    pred = {}
    for row in pred_rows:
        pid = row.get('id')
        if pid not in gold:
            print(f'warning: prediction for unknown passage {pid!r} ignored', file=sys.stderr)
            continue
        refs = row.get('artefacts', [])
        for r in refs:
            if 'text' in r and r['text'] != utf16_slice(texts[pid], int(r['start']), int(r['end'])):
                print(f"warning: {pid}: text {r['text']!r} does not match the passage at [{r['start']}, {r['end']})", file=sys.stderr)
            if 'kind' in r and r['kind'] != kind_of(str(r['id'])):
                print(f"warning: {pid}: kind {r['kind']!r} differs from the prefix of {r['id']!r}", file=sys.stderr)
        pred[pid] = pred.get(pid, set()) | spans(refs, f'{args[1]}: {pid}')
    missing = [g for g in gold if g not in pred]
    if missing:
        print(f'warning: {len(missing)} passage(s) have no prediction line, e.g. {missing[0]!r}', file=sys.stderr)

    n_gold, n_pred, n_tp = Counter(), Counter(), Counter()
    errors = []
    for pid, g in gold.items():
        p = pred.get(pid, set())
        for ref in g:
            n_gold[kind_of(ref[0])] += 1
        for ref in p:
            n_pred[kind_of(ref[0])] += 1
        for ref in g & p:
            n_tp[kind_of(ref[0])] += 1
        for tag, refs in (('FP', p - g), ('FN', g - p)):
            for ref_id, s, e in sorted(refs, key=lambda r: r[1]):
                errors.append(f'{tag} {pid} {ref_id} [{s},{e}) {utf16_slice(texts[pid], s, e)!r}')

    kinds = sorted(set(n_gold) | set(n_pred))
    print(f"{'kind':<12}{'gold':>6}{'pred':>6}{'tp':>6}{'P':>8}{'R':>8}{'F1':>8}")
    rows = [(k, n_gold[k], n_pred[k], n_tp[k]) for k in kinds]
    rows.append(('overall', sum(n_gold.values()), sum(n_pred.values()), sum(n_tp.values())))
    for k, g, p, t in rows:
        prec, rec = ratio(t, p), ratio(t, g)
        f1 = ratio(2 * prec * rec, prec + rec)
        print(f'{k:<12}{g:>6}{p:>6}{t:>6}{prec:>8.3f}{rec:>8.3f}{f1:>8.3f}')
    if '--errors' in flags:
        for line in errors:
            print(line)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
