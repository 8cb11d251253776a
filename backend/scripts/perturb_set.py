"""Write a copy of a question set as people type in a hurry, to measure robustness rather than wording.

    python backend/scripts/perturb_set.py eval/dev.jsonl /tmp/dev-nospace.jsonl [--drop 0.7] [--seed 7]
    python backend/scripts/perturb_set.py eval/dev.jsonl /tmp/dev-typo.jsonl --typo [--seed 11]
    make eval REUSE=1 QUESTIONS=/tmp/dev-nospace.jsonl

Single and off-topic questions change, multi-turn items are copied unchanged, and the expected entries stay
the same (a fixed seed makes the copy the same every time):
- default: each space is dropped with probability `--drop`;
- `--typo`: one word of two or more Hangul syllables gets one slip: a vowel swapped for its keyboard neighbour
  (ㅏ/ㅓ/ㅑ, ㅗ/ㅜ/ㅛ, ㅐ/ㅔ, ㅣ/ㅡ, …) or, sometimes, its final consonant dropped.
"""

import argparse
import json
import random
from pathlib import Path


def drop_spaces(text: str, rate: float, rng: random.Random) -> str:
    return "".join(c for c in text if not (c == " " and rng.random() < rate))


VOWELS = "ㅏㅐㅑㅒㅓㅔㅕㅖㅗㅘㅙㅚㅛㅜㅝㅞㅟㅠㅡㅢㅣ"
NEIGHBOURS = {"ㅏ": "ㅓㅑ", "ㅓ": "ㅏㅕ", "ㅗ": "ㅜㅛ", "ㅜ": "ㅗㅠ", "ㅐ": "ㅔ", "ㅔ": "ㅐ", "ㅣ": "ㅡ", "ㅡ": "ㅣ",
              "ㅕ": "ㅓ", "ㅛ": "ㅗ", "ㅠ": "ㅜ", "ㅑ": "ㅏ"}


def _slip(word: str, rng: random.Random) -> str:
    syllables = [i for i, c in enumerate(word) if "가" <= c <= "힣"]
    i = rng.choice(syllables)
    code = ord(word[i]) - 0xAC00
    initial, vowel, final = code // 588, code % 588 // 28, code % 28
    if final and rng.random() < 0.4:
        final = 0
    else:
        if VOWELS[vowel] not in NEIGHBOURS:
            return word
        vowel = VOWELS.index(rng.choice(NEIGHBOURS[VOWELS[vowel]]))
    return word[:i] + chr(0xAC00 + initial * 588 + vowel * 28 + final) + word[i + 1:]


def add_typo(text: str, rng: random.Random) -> str:
    words = text.split(" ")
    candidates = [k for k, w in enumerate(words) if sum("가" <= c <= "힣" for c in w) >= 2]
    if candidates:
        k = rng.choice(candidates)
        words[k] = _slip(words[k], rng)
    return " ".join(words)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source", type=Path)
    parser.add_argument("target", type=Path)
    parser.add_argument("--drop", type=float, default=0.7, help="probability that a space is dropped")
    parser.add_argument("--typo", action="store_true", help="one slip in one word instead of dropped spaces")
    parser.add_argument("--seed", type=int, default=None, help="default 7 (spaces), 11 (typos)")
    args = parser.parse_args()
    rng = random.Random(args.seed if args.seed is not None else 11 if args.typo else 7)
    lines = []
    for line in args.source.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        if item["kind"] in ("single", "offtopic"):
            item["question"] = (add_typo(item["question"], rng) if args.typo
                                else drop_spaces(item["question"], args.drop, rng))
        lines.append(json.dumps(item, ensure_ascii=False))
    args.target.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} items -> {args.target}")


if __name__ == "__main__":
    main()
