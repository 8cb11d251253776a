"""Training data from the workspace itself.

Retrieval adapter: pseudo-queries, each with the entry it should find: the entry's question, sentences of its
answer (as pseudo-questions of their entry) and its learned aliases (thumbs-up). A share of the entries, chosen by
a hash of their id (so a re-run holds out the same ones), is held out: never trained on, split in two halves, one
for early stopping and one for the report.

Chat models: one example per entry in the chat format (system, user question, assistant answer).
"""

import hashlib
import json
import re
import uuid
from dataclasses import dataclass

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.models import KnowledgeChunk, KnowledgeEntry

_SENTENCE = re.compile(r"(?<=[.?!다요])\s+|\n+")
MIN_SENTENCE, MAX_SENTENCE = 12, 200


def sentences(answer: str) -> list[str]:
    """An answer's sentences long enough to stand for a question."""
    return [p.strip() for p in _SENTENCE.split(answer) if MIN_SENTENCE <= len(p.strip()) <= MAX_SENTENCE]


def _hash(entry_id: uuid.UUID) -> int:
    return int(hashlib.sha256(str(entry_id).encode()).hexdigest()[:8], 16)


def splits(entry_ids: list[uuid.UUID], holdout_pct: int) -> dict[uuid.UUID, str]:
    """"train", "val" or "test" per entry from a stable hash of its id: `holdout_pct` percent (at least two
    entries) are held out, and the held-out ones alternate val / test in hash order, so a small knowledge
    base still has both (a hash parity alone left one of them empty for some 44-entry workspaces)."""
    ranked = sorted(entry_ids, key=lambda e: (_hash(e) % 100, _hash(e)))
    held = [e for e in ranked if _hash(e) % 100 < holdout_pct]
    if len(held) < 2:
        held = ranked[:min(2, len(ranked))]
    out = dict.fromkeys(entry_ids, "train")
    out.update({e: ("val" if i % 2 == 0 else "test") for i, e in enumerate(held)})
    return out


@dataclass
class PseudoQuery:
    text: str
    entry_id: uuid.UUID
    source: str  # question | sentence | alias
    own_chunk: uuid.UUID | None  # the chunk it was cut from (masked in training and scoring)
    split: str


@dataclass
class Chunks:
    ids: list[uuid.UUID]
    entry_ids: list[uuid.UUID]
    vectors: list  # the stored passage vectors, grouped by entry


async def load_chunks(session: AsyncSession, ws_id: uuid.UUID, model: str, dim: int) -> Chunks:
    """The workspace's chunks of the question model, grouped by entry."""
    rows = (await session.execute(text(
        "SELECT id, entry_id, embedding::text FROM knowledge_chunks "
        "WHERE workspace_id = :ws AND embedding_model = :model AND embedding_dim = :dim AND embedding IS NOT NULL "
        "ORDER BY entry_id, kind, ord"), {"ws": ws_id, "model": model, "dim": dim})).all()
    return Chunks(ids=[r[0] for r in rows], entry_ids=[r[1] for r in rows], vectors=[json.loads(r[2]) for r in rows])


async def pseudo_queries(session: AsyncSession, ws_id: uuid.UUID, *, holdout_pct: int,
                         sentences_per_entry: int) -> list[PseudoQuery]:
    """Every pseudo-query of the workspace, in a stable order."""
    entries = (await session.execute(select(KnowledgeEntry.id, KnowledgeEntry.question, KnowledgeEntry.answer)
                                     .where(KnowledgeEntry.workspace_id == ws_id)
                                     .order_by(KnowledgeEntry.created_at, KnowledgeEntry.id))).all()
    pieces: dict[uuid.UUID, list[tuple[uuid.UUID, str, str]]] = {}
    for cid, eid, kind, body in (await session.execute(
            select(KnowledgeChunk.id, KnowledgeChunk.entry_id, KnowledgeChunk.kind, KnowledgeChunk.text)
            .where(KnowledgeChunk.workspace_id == ws_id, KnowledgeChunk.lexemes.is_not(None))
            .order_by(KnowledgeChunk.ord))).all():
        pieces.setdefault(eid, []).append((cid, kind, body))
    out: list[PseudoQuery] = []
    split_by_entry = splits([e[0] for e in entries], holdout_pct)
    for eid, question, answer in entries:
        split = split_by_entry[eid]
        own = pieces.get(eid, [])
        # The question keeps its own title in play (an anchor: real questions find their entry by its title);
        # a sentence loses its answer piece and an alias itself, so they must reach the entry another way.
        out.append(PseudoQuery(question, eid, "question", None, split))
        for s in sentences(answer)[:sentences_per_entry]:
            chunk = next((c for c, k, body in own if k == "answer" and s[:30] in body), None)
            out.append(PseudoQuery(s, eid, "sentence", chunk, split))
        out += [PseudoQuery(body, eid, "alias", c, split) for c, k, body in own if k == "alias"]
    return out


SYSTEM_PROMPT = "당신은 이 서비스의 고객 상담원입니다. 지식 베이스의 내용대로 정확하고 친절하게 답합니다."


async def chat_examples(session: AsyncSession, ws_id: uuid.UUID, *, system: str = SYSTEM_PROMPT) -> list[dict]:
    """The chat-format training set: one conversation per FAQ entry (curated conversations would join here)."""
    rows = (await session.execute(select(KnowledgeEntry.question, KnowledgeEntry.answer)
                                  .where(KnowledgeEntry.workspace_id == ws_id)
                                  .order_by(KnowledgeEntry.created_at, KnowledgeEntry.id))).all()
    return [{"messages": [{"role": "system", "content": system}, {"role": "user", "content": q},
                          {"role": "assistant", "content": a}]} for q, a in rows]
