#!/usr/bin/env python3
"""Validate an evaluation question set (JSON Lines) for Sangdam.

Usage:
    python3 eval/check_set.py [SET.jsonl] [FAQ.pkl]

Defaults: SET = eval/dev.jsonl, FAQ = ../shared/data/smartstore/final_result.pkl
(both relative to the repository root, i.e. the parent of this file's folder).
Arguments may be given in any order; a path ending in .pkl is taken as the FAQ.

Always checked (format, see ../shared/eval/FORMAT.md):
  * every line is a JSON object with id, kind, question, expected (+ history for multiturn)
  * ids are unique strings; kind is single | offtopic | multiturn
  * expected uses the hash form only ("sha256:" + 16 lowercase hex digits), no raw FAQ keys;
    [] for offtopic, non-empty and duplicate-free for single/multiturn
  * history: a non-empty list of {role: user|assistant, content} for multiturn, absent otherwise
When the FAQ pickle is available, additionally:
  * every expected hash resolves to exactly one FAQ key
  * no question or history text equals an FAQ key or contains a verbatim substring of
    >= 15 characters of any FAQ key (own wording), nor >= 20 characters of any FAQ answer

Standard library only. Exit status 0 when no errors were found, 1 otherwise.
"""
import hashlib
import json
import os
import pickle
import re
import sys

KINDS = {"single", "offtopic", "multiturn"}
HASH_RE = re.compile(r"^sha256:[0-9a-f]{16}$")
KEY_WINDOW = 15
ANSWER_WINDOW = 20

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_SET = os.path.join(ROOT, "eval", "dev.jsonl")
DEFAULT_FAQ = os.path.join(ROOT, "..", "shared", "data", "smartstore", "final_result.pkl")


class _NoGlobals(pickle.Unpickler):
    """The FAQ holds only builtin types: refuse anything that needs a global."""

    def find_class(self, module, name):
        raise pickle.UnpicklingError(f"refusing global {module}.{name}")


def load_faq(path):
    with open(path, "rb") as f:
        data = _NoGlobals(f).load()
    if not isinstance(data, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in data.items()
    ):
        raise ValueError("FAQ pickle is not a dict[str, str]")
    return data


def key_hash(key):
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def squash(text):
    return re.sub(r"\s+", " ", text).strip()


def check_format(lines):
    errors, warnings, items = [], [], []
    seen_ids = {}
    seen_q = {}
    for n, raw in enumerate(lines, 1):
        if not raw.strip():
            warnings.append(f"line {n}: empty line")
            continue
        try:
            obj = json.loads(raw)
        except json.JSONDecodeError as e:
            errors.append(f"line {n}: invalid JSON ({e})")
            continue
        if not isinstance(obj, dict):
            errors.append(f"line {n}: not a JSON object")
            continue
        where = f"line {n} ({obj.get('id', '?')})"
        allowed = {"id", "kind", "question", "expected", "history"}
        extra = set(obj) - allowed
        if extra:
            errors.append(f"{where}: unknown fields {sorted(extra)}")
        oid = obj.get("id")
        if not isinstance(oid, str) or not oid:
            errors.append(f"{where}: id must be a non-empty string")
        elif oid in seen_ids:
            errors.append(f"{where}: duplicate id (first on line {seen_ids[oid]})")
        else:
            seen_ids[oid] = n
        kind = obj.get("kind")
        if kind not in KINDS:
            errors.append(f"{where}: kind must be one of {sorted(KINDS)}")
        q = obj.get("question")
        if not isinstance(q, str) or not q.strip():
            errors.append(f"{where}: question must be a non-empty string")
        exp = obj.get("expected")
        if not isinstance(exp, list) or not all(isinstance(e, str) for e in exp):
            errors.append(f"{where}: expected must be a list of strings")
            exp = []
        for e in exp:
            if not HASH_RE.match(e):
                errors.append(f"{where}: expected entry {e!r} is not in 'sha256:<16 hex>' form")
        if len(set(exp)) != len(exp):
            errors.append(f"{where}: duplicate expected entries")
        if kind == "offtopic" and exp:
            errors.append(f"{where}: offtopic must have expected == []")
        if kind in ("single", "multiturn") and not exp:
            errors.append(f"{where}: {kind} needs at least one expected entry")
        hist = obj.get("history")
        if kind == "multiturn":
            if not isinstance(hist, list) or not hist:
                errors.append(f"{where}: multiturn needs a non-empty history list")
                hist = []
            prev = None
            for i, turn in enumerate(hist):
                if (
                    not isinstance(turn, dict)
                    or set(turn) != {"role", "content"}
                    or turn.get("role") not in ("user", "assistant")
                    or not isinstance(turn.get("content"), str)
                    or not turn["content"].strip()
                ):
                    errors.append(f"{where}: history[{i}] must be {{role: user|assistant, content}}")
                    continue
                if turn["role"] == prev:
                    warnings.append(f"{where}: history[{i}] repeats role {prev!r}")
                prev = turn["role"]
            if prev == "user":
                warnings.append(f"{where}: history ends with a user turn")
        elif hist not in (None, []):
            errors.append(f"{where}: history is only allowed for multiturn")
        if isinstance(q, str) and kind in KINDS and kind != "multiturn":
            norm = squash(q)
            if norm in seen_q:
                warnings.append(f"{where}: same question text as {seen_q[norm]}")
            seen_q.setdefault(norm, oid)
        items.append(obj)
    return errors, warnings, items


def _texts(obj):
    q = obj.get("question")
    if isinstance(q, str):
        yield "question", q
    for i, turn in enumerate(obj.get("history") or []):
        if isinstance(turn, dict) and isinstance(turn.get("content"), str):
            yield f"history[{i}]", turn["content"]


def _copied(text, haystack, window):
    """Return the first window-length substring of text found verbatim in haystack."""
    for t in (text, squash(text)):
        for i in range(len(t) - window + 1):
            piece = t[i : i + window]
            if piece == piece.strip() and piece in haystack:
                return piece
    return None


def check_against_faq(items, faq):
    errors = []
    by_hash = {}
    for k in faq:
        by_hash.setdefault(key_hash(k), []).append(k)
    keys = set(faq)
    keys_squashed = {squash(k) for k in faq}
    key_hay = "\x00".join(list(faq) + [squash(k) for k in faq])
    answer_hay = "\x00".join(list(faq.values()) + [squash(v) for v in faq.values()])
    for obj in items:
        where = obj.get("id", "?")
        for e in obj.get("expected") or []:
            if not isinstance(e, str) or not HASH_RE.match(e):
                continue
            n = len(by_hash.get(e, []))
            if n != 1:
                errors.append(f"{where}: expected {e} resolves to {n} FAQ keys (need exactly 1)")
        for field, text in _texts(obj):
            if text in keys or squash(text) in keys_squashed:
                errors.append(f"{where}: {field} equals an FAQ key")
                continue
            piece = _copied(text, key_hay, KEY_WINDOW)
            if piece:
                errors.append(f"{where}: {field} copies FAQ key text {piece!r}")
            piece = _copied(text, answer_hay, ANSWER_WINDOW)
            if piece:
                errors.append(f"{where}: {field} copies FAQ answer text {piece!r}")
    return errors


def main(argv):
    set_path, faq_path = DEFAULT_SET, None
    for a in argv:
        if a.endswith(".pkl"):
            faq_path = a
        else:
            set_path = a
    explicit_faq = faq_path is not None
    faq_path = faq_path or DEFAULT_FAQ

    with open(set_path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    errors, warnings, items = check_format(lines)

    counts = {}
    for obj in items:
        counts[obj.get("kind")] = counts.get(obj.get("kind"), 0) + 1
    print(f"{set_path}: {len(items)} items " + ", ".join(f"{k}={counts[k]}" for k in sorted(counts, key=str)))

    if os.path.exists(faq_path):
        faq = load_faq(faq_path)
        print(f"FAQ: {faq_path} ({len(faq)} entries)")
        errors += check_against_faq(items, faq)
    elif explicit_faq:
        errors.append(f"FAQ file not found: {faq_path}")
    else:
        print("FAQ not found; skipped hash resolution and own-wording checks")

    for w in warnings:
        print("warning:", w)
    for e in errors:
        print("error:", e)
    print("OK" if not errors else f"FAILED: {len(errors)} error(s)")
    return 0 if not errors else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
