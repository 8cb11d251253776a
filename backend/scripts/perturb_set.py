"""Write a copy of a question set as people type in a hurry, to measure robustness rather than wording.

    python backend/scripts/perturb_set.py eval/dev.jsonl /tmp/dev-nospace.jsonl [--drop 0.7] [--seed 7]
    make eval REUSE=1 QUESTIONS=/tmp/dev-nospace.jsonl

Each space of a single or off-topic question is dropped with probability `--drop` (a fixed seed, so the copy
is the same every time); multi-turn items are copied unchanged. The expected entries stay the same: a question
typed without spaces asks the same thing.
"""

import argparse
import json
import random
from pathlib import Path


def drop_spaces(text: str, rate: float, rng: random.Random) -> str:
    return "".join(c for c in text if not (c == " " and rng.random() < rate))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--drop", type=float, default=0.7, help="probability that a space is dropped")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    lines = []
    for line in args.source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item["kind"] in ("single", "offtopic"):
            item["question"] = drop_spaces(item["question"], args.drop, rng)
        lines.append(json.dumps(item, ensure_ascii=False))
    args.target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} items -> {args.target}")


if __name__ == "__main__":
    main()
