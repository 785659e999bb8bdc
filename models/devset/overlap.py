#!/usr/bin/env python3
"""List training examples that share word runs with the development texts.

Usage: overlap.py TEXTS.jsonl TRAINING.jsonl... [--min N]

TEXTS.jsonl      the development texts (see README.md; {"id", "text", ...} per line, kept outside the repo)
TRAINING.jsonl   training files (models/training/*.jsonl: {"id", "title", "text", "topics"})

A run is 8 consecutive words (letters and digits, lower-cased). Prints every training example sharing at least N
runs (default 3) with one development text, with that text's id, the count and two of the runs, most first; stock
phrases and official titles show up here too, so read them. Exits 1 when any example is listed, 0 otherwise.
Standard library only.
"""
import json
import re
import sys

RUN = 8


def runs(text):
    words = re.findall(r"\w+", text.lower())
    return {" ".join(words[i:i + RUN]) for i in range(len(words) - RUN + 1)}


def read_jsonl(path):
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def main(argv):
    minimum = 3
    if "--min" in argv:
        at = argv.index("--min")
        minimum, argv = int(argv[at + 1]), argv[:at] + argv[at + 2:]
    if len(argv) < 3:
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    dev = [(d["id"], runs(d["text"])) for d in read_jsonl(argv[1])]
    hits = []
    for path in argv[2:]:
        for example in read_jsonl(path):
            mine = runs((example.get("title") or "") + "\n" + (example.get("text") or ""))
            for dev_id, theirs in dev:
                shared = mine & theirs
                if len(shared) >= minimum:
                    hits.append((len(shared), example["id"], dev_id, sorted(shared)[:2]))
    for count, example_id, dev_id, sample in sorted(hits, reverse=True):
        print(f"{example_id}  {dev_id}  {count} runs  e.g. {sample}")
    print(f"{len(hits)} example/text pairs share at least {minimum} runs of {RUN} words")
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
