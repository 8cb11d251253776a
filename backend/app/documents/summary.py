"""Document summaries, streamed in the chat's event style and saved with their parameters.

Two strategies, chosen like chat's (chat/answer.py): with the workspace's chat model, one pass when the whole
document fits the model's context (the catalogue knows each model's limit), else a refine pass over sections in
order that carries the key points forward (`progress` events); without one, an extractive summary: sentence
centrality over local embeddings, redundant sentences dropped, original order kept, every sentence's page named.
A run lives in a task of its own, so a client that leaves stops the model and the partial summary is saved as
interrupted (as chat/answering.py does for answers).
"""

import asyncio
import json
import logging
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import anyio
import numpy as np
from sqlalchemy import select, text

from app.chat import events as ev
from app.chat.answer import Generative, strategy
from app.core.config import get_settings
from app.core.db import sessionmaker
from app.core.errors import AppError, NotFound
from app.documents.chunking import Sentence, sentences
from app.documents.extract import Unit
from app.documents.models import Document, DocumentFile, DocumentSummary
from app.documents.schemas import SummaryCreate
from app.llm import catalogue
from app.llm.base import ChatMessage, ChatOptions, LLMError, Usage, estimate_tokens
from app.llm.registry import get_embedding_model
from app.prompts.service import active_template
from app.workspaces.schemas import RetrievalSettings
from app.workspaces.service import load_settings

log = logging.getLogger(__name__)

SENTENCES = {"short": 3, "medium": 6, "long": 12}  # extractive: sentences kept
WORDS = {"short": "3문장 안팎", "medium": "6문장 안팎", "long": "12문장 안팎"}
FORMATS = {"paragraph": "한 문단의 글", "bullets": "'- '로 시작하는 항목 목록"}
MAX_SENTENCES = 4000  # sentences scored by the extractive summary (the first ones of a longer document)
REDUNDANT = 0.92  # cosine over which a sentence repeats one already chosen
FOCUS_WEIGHT = 0.5
DEFAULT_CONTEXT = 8192  # tokens, for a model the catalogue does not know
ANSWER_TOKENS = {"short": 300, "medium": 600, "long": 1200}
PROMPT_RESERVE = 600  # tokens of instructions around the text
MIN_TEXT_TOKENS = 200  # the least text a pass gets, however small the context
EMBED_BATCH = 64
# Extractive: the document's most central indexed pieces are chosen first from their stored vectors, and only
# their sentences are embedded (the bench's 100-page PDF: 1,200 sentences otherwise, 19.5 s before the first token).
PRESELECT_MIN, PRESELECT_PER_SENTENCE = 12, 3
_CITE = re.compile(r"\[p\.\s*(\d+)(?:\s*[-,~]\s*(\d+))?\]")


@dataclass
class Progress(ev.Event):
    name = "progress"
    stage: str  # embedding (extractive), section (refine)
    done: int
    total: int
    message: str


@dataclass
class SummaryMeta(ev.Event):
    name = "meta"
    summary_id: str
    document_id: str
    mode: str
    provider: str


@dataclass
class SummaryDone(ev.Event):
    name = "done"
    summary_id: str
    status: str
    latency_ms: dict
    usage: dict
    citations: list


def place(page: int | None, section: str | None) -> str:
    """How a sentence's place is written in a summary: [p.3], or [섹션: 제목] for types without pages."""
    if page is not None:
        return f"[p.{page}]"
    return f"[섹션: {section}]" if section else ""


def _marked_text(units: list[Unit]) -> str:
    """The document as text for a model, a place marker wherever the page or section changes."""
    out: list[str] = []
    last: tuple | None = None
    for u in units:
        where = (u.page, u.section if u.page is None else None)
        if where != last and place(u.page, u.section):
            out.append(place(u.page, u.section))
            last = where
        out.append(u.text)
    return "\n".join(out)


def windows(units: list[Unit], budget_tokens: int) -> list[list[Unit]]:
    """Consecutive sections of the document, each within the budget (a longer unit alone in its window)."""
    parts: list[list[Unit]] = [[]]
    used = 0
    for u in units:
        cost = estimate_tokens(u.text) + 4
        if parts[-1] and used + cost > budget_tokens:
            parts.append([])
            used = 0
        parts[-1].append(u)
        used += cost
    return [p for p in parts if p]


def select_extractive(vectors: np.ndarray, count: int, focus: np.ndarray | None = None) -> list[int]:
    """Indexes of the sentences to keep, in document order: degree centrality (mean cosine to every other
    sentence), optionally blended with similarity to a focus question, greedily without near-repeats."""
    n = len(vectors)
    if n == 0:
        return []
    sims = vectors @ vectors.T
    centrality = (sims.sum(axis=1) - 1) / max(n - 1, 1)
    score = centrality if focus is None else (1 - FOCUS_WEIGHT) * centrality + FOCUS_WEIGHT * (vectors @ focus)
    chosen: list[int] = []
    for i in np.argsort(-score, kind="stable"):
        if len(chosen) >= count:
            break
        if chosen and float(sims[i, chosen].max()) >= REDUNDANT:
            continue
        chosen.append(int(i))
    return sorted(chosen)


def render(picked: list[Sentence], fmt: str) -> list[str]:
    """The extractive summary's pieces (one token event each), every sentence followed by its place."""
    pieces = []
    for k, s in enumerate(picked):
        mark = place(s.page, s.section)
        text = f"{s.text} {mark}".strip()
        pieces.append(f"- {text}\n" if fmt == "bullets" else (" " if k else "") + text)
    return pieces


def model_citations(text: str, units: list[Unit]) -> list[dict]:
    """The claims of a model's summary with the pages they cite ([p.N]); sections when the type has no pages."""
    sections = {u.section for u in units if u.section}
    out: list[dict] = []
    for sentence in re.split(r"(?<=[.!?\]])\s+|\n+", text):
        sentence = sentence.strip(" -")
        if not sentence:
            continue
        for m in _CITE.finditer(sentence):
            first, last = int(m.group(1)), int(m.group(2) or m.group(1))
            for page in range(first, min(last, first + 20) + 1):
                out.append({"text": _CITE.sub("", sentence).strip(), "page": page, "section": None})
        for name in re.findall(r"\[섹션:\s*([^\]]+)\]", sentence):
            if name.strip() in sections:
                out.append({"text": re.sub(r"\[[^\]]+\]", "", sentence).strip(), "page": None,
                            "section": name.strip()})
    return out


async def _load(ws_id: uuid.UUID, document_id: uuid.UUID) -> tuple[Document, list[Unit]]:
    async with sessionmaker()() as session:
        doc = await session.scalar(select(Document).where(Document.id == document_id,
                                                          Document.workspace_id == ws_id))
        if doc is None:
            raise NotFound("Document not found.")
        stored = await session.scalar(select(DocumentFile.units).where(DocumentFile.document_id == document_id,
                                                                       DocumentFile.workspace_id == ws_id))
        session.expunge(doc)
    return doc, [Unit(**u) for u in stored or []]


_running: set[asyncio.Task] = set()


async def start(*, ws_id: uuid.UUID, user_id: uuid.UUID, document_id: uuid.UUID, body: SummaryCreate) -> "SummaryRun":
    """Check the document and settings (404 before any stream starts), then summarise in a task of its own."""
    doc, units = await _load(ws_id, document_id)
    if not units:
        raise AppError("The document has no text to summarise.", code="empty_document", status_code=409)
    async with sessionmaker()() as session:
        settings = await load_settings(session=session, ws_id=ws_id)
    return SummaryRun(ws_id=ws_id, user_id=user_id, doc=doc, units=units, body=body, qa=settings.qa)


class SummaryRun:
    """One summary: produced and saved by a task; `events()` hands its events to the client."""

    def __init__(self, *, ws_id, user_id, doc: Document, units: list[Unit], body: SummaryCreate, qa):
        self.id, self.ws_id, self.user_id, self.doc, self.units, self.body, self.qa = (
            uuid.uuid4(), ws_id, user_id, doc, units, body, qa)
        self.t0 = time.perf_counter()
        self._events: asyncio.Queue[ev.Event | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._run())
        _running.add(self._task)
        self._task.add_done_callback(_running.discard)

    async def events(self) -> AsyncIterator[ev.Event]:
        """The summary's events in order, ending with done or error; leaving early interrupts it."""
        try:
            while (event := await self._events.get()) is not None:
                yield event
        finally:
            if not self._task.done():
                self._task.cancel()  # the task saves what was written, marked interrupted

    async def _run(self) -> None:
        emit = self._events.put_nowait
        answer = strategy(self.qa.provider) if self.body.mode == "auto" else None
        generative = isinstance(answer, Generative)
        state = {"status": "failed", "parts": [], "citations": [], "usage": Usage(0, 0), "first": None,
                 "mode": "extractive", "provider": "extractive", "model": None, "version": None}
        try:
            if generative:
                await self._generate(answer, state, emit)
            else:
                await self._extract(state, emit)
            state["status"] = "complete"
            latency = await self._save(state)
            emit(SummaryDone(summary_id=str(self.id), status="complete", latency_ms=latency,
                             usage=state["usage"].as_dict(), citations=state["citations"]))
        except asyncio.CancelledError:
            state["status"] = "interrupted"
            with anyio.CancelScope(shield=True):
                await self._save_quietly(state)
            raise
        except Exception as exc:  # noqa: BLE001 - every failure ends the stream with an error event
            if isinstance(exc, LLMError):
                error, message = exc.code, exc.message
            else:
                log.exception("summary failed", exc_info=exc)
                error, message = "internal_error", "요약을 만드는 중 문제가 생겼습니다. 다시 시도해 주세요."
            await self._save_quietly(state)
            emit(ev.Error(error=error, message=message))
        finally:
            emit(None)

    def _token(self, state: dict, emit, text: str) -> None:
        if state["first"] is None:
            state["first"] = (time.perf_counter() - self.t0) * 1000
        state["parts"].append(text)
        emit(ev.Token(text=text))

    async def _extract(self, state: dict, emit) -> None:
        """Sentence centrality over the local question model's embeddings; the page of every sentence."""
        emit(SummaryMeta(summary_id=str(self.id), document_id=str(self.doc.id), mode="extractive",
                         provider="extractive"))
        defaults = RetrievalSettings()
        embedder = get_embedding_model(defaults.embedding_provider, defaults.embedding_model)
        state["model"] = embedder.name
        found = (await asyncio.to_thread(sentences, self.units))[:MAX_SENTENCES]
        focus = await embedder.embed_query(self.body.focus) if self.body.focus else None
        found = await self._central_pieces(found, embedder, SENTENCES[self.body.length], focus)
        vectors = []
        for start in range(0, len(found), EMBED_BATCH):
            vectors.append(await embedder.embed_batch([s.text for s in found[start:start + EMBED_BATCH]]))
            emit(Progress(stage="embedding", done=min(start + EMBED_BATCH, len(found)), total=len(found),
                          message=f"문장 {min(start + EMBED_BATCH, len(found))} / {len(found)}"))
        matrix = np.vstack(vectors) if vectors else np.zeros((0, embedder.dim), dtype=np.float32)
        picked = [found[i] for i in select_extractive(matrix, SENTENCES[self.body.length], focus)]
        state["citations"] = [{"text": s.text, "page": s.page, "section": s.section} for s in picked]
        for piece in render(picked, self.body.format):
            self._token(state, emit, piece)

    async def _central_pieces(self, found: list[Sentence], embedder, count: int,
                              focus: np.ndarray | None) -> list[Sentence]:
        """The sentences of the document's most central indexed pieces (their stored vectors: nothing to embed),
        so that only those are embedded and scored; all of them when the document has few pieces, is not
        indexed yet, or its pieces do not hold its sentences."""
        keep = max(PRESELECT_MIN, PRESELECT_PER_SENTENCE * count)
        async with sessionmaker()() as session:
            rows = (await session.execute(text(
                "SELECT c.text, c.embedding::text AS vec FROM knowledge_chunks c "
                "WHERE c.workspace_id = :ws AND c.document_id = :doc AND c.embedding_model = :model "
                "AND c.embedding IS NOT NULL ORDER BY c.ord"),
                {"ws": self.ws_id, "doc": self.doc.id, "model": embedder.name})).all()
        if len(rows) <= keep:
            return found
        vectors = np.array([json.loads(r.vec) for r in rows], dtype=np.float32)
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True) + 1e-9
        picked = select_extractive(vectors, keep, focus)
        texts = [" ".join(rows[i].text.split()) for i in picked]
        inside = [x for x in found if any(x.text in t for t in texts)]
        return inside if len(inside) >= count else found

    async def _generate(self, answer: Generative, state: dict, emit) -> None:
        """One pass when the document fits the model's context, else refine over its sections in order."""
        model_name = self.qa.chat_model or _default_model(answer.provider)
        spec = catalogue.find_model("chat", answer.provider, model_name) if model_name else None
        context = (spec.context_length if spec and spec.context_length else DEFAULT_CONTEXT)
        answer_tokens = ANSWER_TOKENS[self.body.length]
        budget = max(context - answer_tokens - PROMPT_RESERVE, MIN_TEXT_TOKENS)  # the document's share
        whole = _marked_text(self.units)
        # a refine pass also carries the summary so far (at most an answer's length) beside its section
        parts = [self.units] if estimate_tokens(whole) <= budget else windows(
            self.units, max(budget - answer_tokens, MIN_TEXT_TOKENS))
        state.update(mode="single_pass" if len(parts) == 1 else "refine", provider=answer.provider, model=model_name)
        emit(SummaryMeta(summary_id=str(self.id), document_id=str(self.doc.id), mode=state["mode"],
                         provider=answer.provider))
        options = ChatOptions(model=self.qa.chat_model or None, temperature=min(self.qa.temperature, 0.3),
                              max_tokens=ANSWER_TOKENS[self.body.length],
                              timeout_s=get_settings().llm_timeout_seconds)
        fill = {"length": WORDS[self.body.length], "format": FORMATS[self.body.format], "title": self.doc.title,
                "focus": f"- 다음 질문에 답하는 내용을 먼저 쓰세요: {self.body.focus}" if self.body.focus else ""}
        summary, usage = "", Usage(0, 0)
        for k, part in enumerate(parts, start=1):
            last = k == len(parts)
            if len(parts) == 1:
                state["version"], template = await active_template("documents.summary")
                prompt = template.format(text=whole, **fill)
            else:
                emit(Progress(stage="section", done=k, total=len(parts), message=f"구간 {k} / {len(parts)}"))
                state["version"], template = await active_template("documents.refine")
                prompt = template.format(text=_marked_text(part), summary=summary or "(아직 없음)", part=k,
                                         parts=len(parts), **fill)
            messages = [ChatMessage("user", prompt)]
            if not last:  # the carried summary is not the answer yet: only the last pass streams
                result = await answer.model.complete(messages, options)
                summary, usage = result.text.strip(), usage + result.usage
                continue
            async for chunk in answer.model.stream(messages, options):
                if chunk.text:
                    self._token(state, emit, chunk.text)
                if chunk.usage is not None:
                    usage = usage + chunk.usage
        state["usage"] = usage
        state["citations"] = model_citations("".join(state["parts"]), self.units)

    async def _save(self, state: dict) -> dict:
        latency = {"total": round((time.perf_counter() - self.t0) * 1000, 1)}
        if state["first"] is not None:
            latency["first_token"] = round(state["first"], 1)
        content = "".join(state["parts"])
        if state["status"] != "complete" and not state["citations"] and state["mode"] != "extractive":
            state["citations"] = model_citations(content, self.units)
        async with sessionmaker()() as s:
            s.add(DocumentSummary(
                id=self.id, workspace_id=self.ws_id, document_id=self.doc.id, document_version=self.doc.version,
                length=self.body.length, format=self.body.format, focus=self.body.focus, mode=state["mode"],
                provider=state["provider"], model=state["model"], prompt_version_id=state["version"],
                status=state["status"], content=content, citations=state["citations"], latency_ms=latency,
                prompt_tokens=state["usage"].prompt_tokens, completion_tokens=state["usage"].completion_tokens,
                created_by=self.user_id))
            await s.commit()
        return latency

    async def _save_quietly(self, state: dict) -> None:
        try:
            await self._save(state)
        except Exception:  # noqa: BLE001 - e.g. the document was deleted meanwhile: nothing to keep
            log.warning("an unfinished summary could not be saved", exc_info=True)


def _default_model(provider: str) -> str | None:
    spec = catalogue.provider("chat", provider)
    if spec is None or spec.default_model is None:
        return None
    from app.llm.registry import LLMConfig

    return spec.default_model(LLMConfig.from_env())


async def list_summaries(*, session, ws_id: uuid.UUID, document_id: uuid.UUID) -> list[DocumentSummary]:
    """A document's summaries, newest first."""
    return list((await session.execute(
        select(DocumentSummary).where(DocumentSummary.workspace_id == ws_id,
                                      DocumentSummary.document_id == document_id)
        .order_by(DocumentSummary.created_at.desc(), DocumentSummary.id))).scalars())


__all__ = ["Progress", "SummaryRun", "list_summaries", "start"]
