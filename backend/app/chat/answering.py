"""Answering one message: save the question, then plan, stream and save the answer in a task of its own."""

import asyncio
import logging
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime

import anyio
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from app.chat import events as ev
from app.chat import followups as next_steps
from app.chat import guard, offers
from app.chat.answer import Extractive, Generative, Grounding, strategy
from app.chat.contextualize import Turn
from app.chat.pipeline import HELPER_TIMEOUT_S, Plan, plan_answer, source_dicts
from app.core import admission
from app.core.config import get_settings
from app.core.db import sessionmaker
from app.core.errors import AppError, NotFound
from app.llm.base import ChatChunk, ChatMessage, ChatOptions, LLMError, Usage
from app.models import ChatMessage as Message
from app.models import ChatSession
from app.prompts.service import ActivePrompt, active_prompt, active_template, start_tracking
from app.workspaces.schemas import WorkspaceSettingsRead
from app.workspaces.service import load_settings

log = logging.getLogger(__name__)
DEFAULT_TITLE = "새 대화"


async def _history(session: AsyncSession, ws_id: uuid.UUID, session_id: uuid.UUID, turns: int) -> list[Turn]:
    if turns <= 0:
        return []
    rows = (await session.execute(select(Message).where(Message.workspace_id == ws_id,
                                                        Message.session_id == session_id)
                                  .order_by(Message.created_at.desc()).limit(turns * 2))).scalars().all()
    return [Turn(role=m.role, content=m.content, followups=m.followups, standalone_query=m.standalone_query,
                 cited=[s["entry_id"] for s in m.sources]) for m in reversed(rows)]


async def _suggestion_line(ws_id: uuid.UUID, way_back: dict) -> str:
    """The refusal's line offering its way back: a model's wording, else the suggestion template's."""
    if way_back.get("offer"):
        return way_back["offer"]
    _, suggestion = await active_template("chat.suggestion", ws_id=ws_id)
    return suggestion.format(question=way_back["question"].rstrip("?？. "))


async def _refusal_text(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, plan: Plan) -> str:
    text = settings.profile.refusal_message
    if plan.followups:
        text += "\n\n" + await _suggestion_line(ws_id, plan.followups[0])
    return text


_running: set[asyncio.Task] = set()  # answers in progress (a task is only weakly referenced by the loop)


async def ask(*, ws_id: uuid.UUID, user_id: uuid.UUID, session_id: uuid.UUID, content: str,
              followup_entry_id: uuid.UUID | None = None, on_plan: Callable[[Plan], None] | None = None) -> "Answer":
    """Save the question, then answer it in a task of its own (`Answer`).

    The question is committed before anything else happens, and its answer is always saved (complete,
    interrupted or failed), whether or not the client stays. A place in the planning line is taken first:
    when the line is full this raises Overloaded (503) and nothing is written.
    """
    t0 = time.perf_counter()
    gate = admission.planning()
    gate.reserve()
    try:
        async with sessionmaker()() as session:
            settings = await load_settings(session=session, ws_id=ws_id)
            history = await _history(session, ws_id, session_id, settings.qa.history_turns)
            question = Message(id=uuid.uuid4(), workspace_id=ws_id, session_id=session_id, role="user",
                               content=content, followup_entry_id=followup_entry_id)  # a click, for the dashboard
            session.add(question)
            chat = await session.get(ChatSession, session_id)
            if chat is None:
                raise NotFound("Chat session not found.")
            if chat.title == DEFAULT_TITLE:
                chat.title = content.strip()[:40]
            chat.updated_at = datetime.now(UTC)
            await session.commit()
    except BaseException:
        gate.cancel()
        raise
    return Answer(ws_id=ws_id, session_id=session_id, question_id=question.id, content=content,
                  followup_entry_id=followup_entry_id, settings=settings, history=history, t0=t0, on_plan=on_plan)


class Answer:
    """The answer to one saved question, planned, streamed and saved by a task of its own; `events()` hands
    its events to the client. A client that goes away stops the model (the partial answer is saved as
    interrupted); one that goes away before the answer starts still leaves an assistant row."""

    def __init__(self, *, ws_id: uuid.UUID, session_id: uuid.UUID, question_id: uuid.UUID, content: str,
                 followup_entry_id: uuid.UUID | None, settings: WorkspaceSettingsRead, history: list[Turn],
                 t0: float, on_plan: Callable[[Plan], None] | None = None):
        self.id, self.ws_id, self.session_id, self.question_id = uuid.uuid4(), ws_id, session_id, question_id
        self.content, self.followup_entry_id, self.settings, self.history = content, followup_entry_id, settings, history
        self.t0, self.on_plan = t0, on_plan
        self.client_gone = False
        self._streaming = self._in_line = False
        self._events: asyncio.Queue[ev.Event | None] = asyncio.Queue()
        self._task = asyncio.create_task(self._run())
        _running.add(self._task)
        self._task.add_done_callback(self._done)

    def _done(self, task: asyncio.Task) -> None:
        _running.discard(task)
        if not self._in_line:  # cancelled before it could take its place: give the reservation back
            admission.planning().cancel()

    async def events(self) -> AsyncIterator[ev.Event]:
        """The answer's events in order, ending with done or error."""
        try:
            while (event := await self._events.get()) is not None:
                yield event
        finally:
            if not self._task.done():
                self.client_gone = True
                if self._streaming:
                    self._task.cancel()  # stop the model; the task saves what was said

    async def _run(self) -> None:
        emit = self._events.put_nowait
        plan: Plan | None = None
        parts: list[str] = []
        state = {"status": "failed", "usage": Usage(0, 0), "first": None, "provider": None, "version": None,
                 "prompts": start_tracking()}  # {key: version id} of every prompt this answer runs
        try:
            self._in_line = True
            async with admission.planning().slot(reserved=True):
                plan = await plan_answer(ws_id=self.ws_id, settings=self.settings, history=self.history,
                                         message=self.content, followup_entry_id=self.followup_entry_id)
            if self.on_plan:
                self.on_plan(plan)
            answer = strategy(self.settings.qa.provider)  # looked up once per answer
            system = None
            if not plan.refused and plan.smalltalk is None and answer.generative:
                system = await _system_prompt(self.ws_id, self.settings, plan)
                state["version"] = system[0].version_id
            if self.client_gone:
                state["status"] = "interrupted"
                await self._save(plan, parts, state)
                return
            emit(ev.Meta(session_id=str(self.session_id), user_message_id=str(self.question_id),
                         assistant_message_id=str(self.id), standalone_query=plan.standalone_query))
            emit(ev.Sources(sources=source_dicts(plan)))
            chunks, state["provider"] = _chunks(self.ws_id, self.settings, answer, plan, self.history, self.content,
                                                system)
            self._streaming = True  # only while waiting for the model may a departing client cancel the task
            try:
                async for chunk in chunks:
                    if chunk.text:
                        if state["first"] is None:
                            state["first"] = (time.perf_counter() - self.t0) * 1000
                        parts.append(chunk.text)
                        emit(ev.Token(text=chunk.text))
                    if chunk.usage is not None:
                        state["usage"] = chunk.usage
            finally:
                self._streaming = False
            state["status"] = "complete"
            state["usage"] += plan.helper_usage  # the rewrite and re-rank calls
            if plan.offer_pool and isinstance(answer, Generative) and not plan.refused:
                plan.followups, used = await _offers(self.ws_id, self.settings, answer.model, plan, self.content,
                                                     "".join(parts))
                state["usage"] += used
            if plan.followups:
                emit(ev.Followups(followups=plan.followups))
            latency = await self._save(plan, parts, state)
            emit(ev.Done(message_id=str(self.id), refused=plan.refused, latency_ms=latency,
                         usage=state["usage"].as_dict()))
        except asyncio.CancelledError:
            # The client went away mid-answer (or the server is stopping): keep what was said, marked interrupted.
            state["status"] = "interrupted"
            with anyio.CancelScope(shield=True):
                await self._save_quietly(plan, parts, state)
            raise
        except Exception as exc:  # noqa: BLE001 - every failure ends the stream with an error event
            error, message = _describe(exc)
            state["status"] = "failed"
            if error != "conversation_deleted":
                await self._save_quietly(plan, parts, state)
            emit(ev.Error(error=error, message=message))
        finally:
            emit(None)

    async def _save(self, plan: Plan | None, parts: list[str], state: dict) -> dict:
        """Write the answer (and the question's standalone form) in one transaction."""
        latency = {"total": round((time.perf_counter() - self.t0) * 1000, 1)}
        if plan is not None:
            latency |= {"retrieval": round(plan.retrieval_ms, 1), "rewrite": round(plan.rewrite_ms, 1),
                        "rerank": round(plan.rerank_ms, 1)}
        if state["first"] is not None:
            latency["first_token"] = round(state["first"], 1)
        async with sessionmaker()() as s:
            s.add(Message(id=self.id, workspace_id=self.ws_id, session_id=self.session_id, role="assistant",
                          reply_to_id=self.question_id, content="".join(parts),
                          sources=source_dicts(plan) if plan else [],
                          followups=plan.followups if plan and state["status"] == "complete" else [],
                          refused=bool(plan and plan.refused), status=state["status"],
                          standalone_query=plan.standalone_query if plan else None,
                          prompt_version_id=state["version"], prompt_versions=state["prompts"],
                          provider=state["provider"], latency_ms=latency,
                          prompt_tokens=state["usage"].prompt_tokens,
                          completion_tokens=state["usage"].completion_tokens))
            if plan is not None:
                await s.execute(update(Message).where(Message.id == self.question_id, Message.workspace_id == self.ws_id)
                                .values(standalone_query=plan.standalone_query))
            if plan is not None and plan.followed_from is not None and plan.cited and state["status"] == "complete":
                await next_steps.record_click(session=s, ws_id=self.ws_id, from_entry=plan.followed_from,
                                              to_entry=plan.cited[0].entry_id)
            await s.commit()
        return latency

    async def _save_quietly(self, plan: Plan | None, parts: list[str], state: dict) -> None:
        try:
            await self._save(plan, parts, state)
        except Exception:  # noqa: BLE001 - e.g. the conversation was deleted meanwhile: nothing to keep
            log.warning("an unfinished answer could not be saved", exc_info=True)


def _describe(exc: Exception) -> tuple[str, str]:
    """The error event for a failed answer."""
    if isinstance(exc, LLMError):
        return exc.code, exc.message
    if isinstance(exc, admission.Overloaded):
        return exc.code, exc.message
    if isinstance(exc, IntegrityError):  # the conversation was deleted while its answer was being written
        return "conversation_deleted", "대화가 삭제되어 답변을 저장하지 않았습니다."
    log.exception("chat reply failed", exc_info=exc)
    return "internal_error", "답변을 만드는 중 문제가 생겼습니다. 다시 시도해 주세요."


async def _system_prompt(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, plan: Plan) -> tuple[ActivePrompt, str]:
    """The active chat prompt filled with the workspace's profile and the cited entries, quoted as data."""
    prompt = await active_prompt("chat.system", ws_id=ws_id)
    sources_text = guard.quote_entries(plan.cited)
    return prompt, prompt.template.format(display_name=settings.profile.display_name, persona=settings.profile.persona,
                                       refusal_message=settings.profile.refusal_message, sources=sources_text)


def _chunks(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, answer: Extractive | Generative, plan: Plan,
            history: list[Turn], content: str,
            prompt: tuple[ActivePrompt, str] | None) -> tuple[AsyncIterator[ChatChunk], str]:
    """The answer's text as it is produced, and who produced it."""
    if plan.smalltalk is not None:
        return _single(plan.smalltalk), "smalltalk"
    if plan.refused:
        if plan.offer_pool and isinstance(answer, Generative):
            return _refusal_with_bridge(ws_id, settings, answer.model, plan, content), "refusal"
        return _single(_refusal_text(ws_id, settings, plan)), "refusal"
    options = ChatOptions(model=settings.qa.chat_model or None, temperature=settings.qa.temperature,
                          timeout_s=get_settings().llm_timeout_seconds)
    system = None
    if prompt is not None:  # the version's own model settings, where it sets them
        options, system = prompt[0].options(options), prompt[1]
    messages = [ChatMessage("system", system)] if system else []
    messages += [ChatMessage(t.role, t.content) for t in history[-settings.qa.history_turns * 2:]]
    messages.append(ChatMessage("user", content))
    grounding = Grounding(question=plan.standalone_query, answers=[h.answer for h in plan.cited], links=plan.links)
    chunks = answer.stream(messages, options, grounding)
    if system:  # the model may be talked into reciting its instructions: that part of an answer never leaves
        profile = settings.profile
        protected = guard.instructions(system, allowed=[profile.refusal_message, profile.display_name])
        chunks = guard.guarded(chunks, protected, replacement=profile.refusal_message)
    return chunks, answer.provider


async def _offers(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, model, plan: Plan, question: str,
                  answered: str) -> tuple[list[dict], Usage]:
    """The chat model picks and words the follow-ups among the knowledge's candidates (chat/offers.py)."""
    prompt = await active_prompt("chat.followups", ws_id=ws_id)
    title = plan.cited[0].question if plan.cited else ""
    out = await offers.choose(model=model, template=prompt.template, candidates=plan.offer_pool,
                              count=settings.qa.followup_count, timeout_s=HELPER_TIMEOUT_S,
                              chat_model=prompt.model or settings.qa.chat_model or None, options=prompt.options,
                              question=question, answered=f"{title}\n{answered[:400]}".strip())
    return out.items, out.usage


async def _refusal_with_bridge(ws_id: uuid.UUID, settings: WorkspaceSettingsRead, model, plan: Plan,
                               question: str) -> AsyncIterator[ChatChunk]:
    """The refusal at once, then the way back the chat model picks and words (chat/offers.py); the local
    choice, worded by the suggestion template, when it picks none or fails."""
    yield ChatChunk(text=settings.profile.refusal_message)
    prompt = await active_prompt("chat.bridge", ws_id=ws_id)
    out = await offers.choose(model=model, template=prompt.template, candidates=plan.offer_pool, count=1,
                              timeout_s=HELPER_TIMEOUT_S, chat_model=prompt.model or settings.qa.chat_model or None,
                              options=prompt.options, question=question)
    plan.followups = out.items[:1]
    if plan.followups:
        yield ChatChunk(text="\n\n" + await _suggestion_line(ws_id, plan.followups[0]))
    yield ChatChunk(usage=out.usage, finish_reason="stop")


async def _single(text: str | Awaitable[str]) -> AsyncIterator:
    yield ChatChunk(text=text if isinstance(text, str) else await text)
    yield ChatChunk(usage=Usage(0, 0), finish_reason="stop")


async def reply(**kwargs) -> AsyncIterator[ev.Event]:
    """Ask and stream one answer (`make eval`; `on_plan` sees the full ranking before generation)."""
    answer = await ask(**kwargs)
    async for event in answer.events():
        yield event


async def finish(answer: Answer) -> None:
    """Wait for an answer to end (non-streaming clients): overload is a 503, a model failure a 502."""
    async for event in answer.events():
        if isinstance(event, ev.Error):
            if event.error == "overloaded":
                gate = admission.planning()
                raise admission.Overloaded(event.message, retry_after=gate.retry_after())
            raise AppError(event.message, code=event.error, status_code=502)
