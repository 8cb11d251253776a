"""Hybrid search in PostgreSQL: pgvector cosine over chunks + Korean keyword match, fused by rank in SQL."""

import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.llm.registry import get_embedding_model
from app.retrieval.analysis import keywords, tsquery_literal
from app.workspaces.schemas import RetrievalSettings

RRF_K = 60
CANDIDATES = 60


@dataclass
class Hit:
    """One knowledge entry ranked for a query."""

    entry_id: uuid.UUID
    question: str
    answer: str
    category: str | None
    related: list[str]
    score: float  # fused rank score
    dense: float  # best cosine similarity over the entry's chunks
    keyword: float  # best keyword rank over the entry's chunks (0 when no term matched)
    matched_terms: int = 0


@dataclass
class SearchResult:
    hits: list[Hit]
    query_terms: list[str]
    ms: float
    signals: dict = field(default_factory=dict)


def _sql(dim: int) -> str:
    # `dim` comes from a fixed table of known models, never from user input.
    vec = f"vector({int(dim)})"
    return f"""
WITH dense_chunks AS (
    SELECT entry_id, embedding::{vec} <=> CAST(:qvec AS {vec}) AS dist
    FROM knowledge_chunks
    WHERE workspace_id = :ws AND embedding_dim = {int(dim)} AND embedding_model = :model
    ORDER BY embedding::{vec} <=> CAST(:qvec AS {vec})
    LIMIT :cand * 4
), dense AS (
    SELECT entry_id, 1 - min(dist) AS sim, row_number() OVER (ORDER BY min(dist)) AS rnk
    FROM dense_chunks GROUP BY entry_id
), kw AS (
    SELECT entry_id, max(ts_rank_cd(lexemes, query, 1)) AS kscore,
           row_number() OVER (ORDER BY max(ts_rank_cd(lexemes, query, 1)) DESC) AS rnk
    FROM knowledge_chunks, CAST(:tsq AS tsquery) AS query
    WHERE workspace_id = :ws AND lexemes @@ query
    GROUP BY entry_id
    ORDER BY kscore DESC
    LIMIT :cand
), fused AS (
    SELECT coalesce(d.entry_id, k.entry_id) AS entry_id,
           coalesce(CAST(:wd AS float8) / (CAST(:rrf AS float8) + d.rnk), 0)
             + coalesce(CAST(:wk AS float8) / (CAST(:rrf AS float8) + k.rnk), 0) AS score,
           coalesce(d.sim, 0) AS sim, coalesce(k.kscore, 0) AS kscore
    FROM dense d FULL JOIN kw k ON k.entry_id = d.entry_id
)
SELECT e.id, e.question, e.answer, e.category, e.related, f.score, f.sim, f.kscore
FROM fused f JOIN knowledge_entries e ON e.id = f.entry_id AND e.workspace_id = :ws
ORDER BY f.score DESC, f.sim DESC
LIMIT :lim
"""


def vector_literal(v) -> str:
    """pgvector's text form of a vector."""
    return "[" + ",".join(f"{x:.6f}" for x in v) + "]"


async def search(*, session: AsyncSession, ws_id: uuid.UUID, query: str, settings: RetrievalSettings,
                 limit: int | None = None) -> SearchResult:
    """Rank the workspace's entries for `query`."""
    t0 = time.perf_counter()
    embedder = get_embedding_model(settings.embedding_provider, settings.embedding_model)
    qvec = await embedder.embed_query(query)
    terms = keywords(query)
    w = settings.hybrid_weight  # share of the keyword signal
    rows = (await session.execute(text(_sql(embedder.dim)), {
        "qvec": vector_literal(qvec), "ws": ws_id, "tsq": tsquery_literal(terms) or "''", "cand": CANDIDATES,
        "model": embedder.name, "wd": 2 * (1 - w), "wk": 2 * w, "rrf": RRF_K, "lim": limit or max(settings.top_k, 5),
    })).all()
    hits = [Hit(entry_id=r[0], question=r[1], answer=r[2], category=r[3], related=r[4] or [], score=float(r[5]),
                dense=float(r[6]), keyword=float(r[7])) for r in rows]
    return SearchResult(hits=hits, query_terms=terms, ms=(time.perf_counter() - t0) * 1000)
