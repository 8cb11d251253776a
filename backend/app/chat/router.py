import uuid

from fastapi import APIRouter, Depends, Response
from fastapi.responses import StreamingResponse

from app.admin import quotas
from app.chat import answering, service
from app.chat.schemas import (
    ExchangeRead,
    FeedbackCreate,
    MessageCreate,
    MessageList,
    MessageRead,
    SessionCreate,
    SessionList,
    SessionRead,
    SessionUpdate,
    StarterList,
)
from app.core import ratelimit
from app.core.config import get_settings
from app.core.db import SessionDep
from app.core.deps import CurrentWorkspace
from app.core.errors import error_responses
from app.core.types import SafeStr

router = APIRouter(prefix="/chat", tags=["chat"])


async def message_limit(ws: CurrentWorkspace) -> None:
    """At most CHAT_MESSAGES_PER_MINUTE messages a minute per user (429 with Retry-After)."""
    await ratelimit.hit(f"rl:chat:messages:{ws.user.id}", limit=get_settings().chat_messages_per_minute, window_s=60,
                        message="질문을 너무 자주 보내고 있습니다. 잠시 후 다시 시도해 주세요.")


async def quota_limit(ws: CurrentWorkspace, session: SessionDep) -> None:
    """The workspace's quota (questions a day, tokens a month): 429 quota_exceeded with Retry-After past it."""
    await quotas.check(ws_id=ws.id, session=session)  # on the request's own connection


async def session_limit(ws: CurrentWorkspace) -> None:
    """At most CHAT_SESSIONS_PER_HOUR new conversations an hour per user (429 with Retry-After)."""
    await ratelimit.hit(f"rl:chat:sessions:{ws.user.id}", limit=get_settings().chat_sessions_per_hour,
                        window_s=3600, message="새 대화를 너무 많이 만들었습니다. 잠시 후 다시 시도해 주세요.")


@router.get("/starters", response_model=StarterList)
async def starters(ws: CurrentWorkspace):
    """Questions to start a conversation with (the chat's empty state)."""
    return StarterList(items=await service.starters(ws_id=ws.id))


@router.get("/sessions", response_model=SessionList)
async def list_sessions(ws: CurrentWorkspace, session: SessionDep, q: SafeStr | None = None):
    """The caller's conversations, newest first."""
    return SessionList(items=await service.list_sessions(session=session, ws_id=ws.id, user_id=ws.user.id, q=q))


@router.post("/sessions", response_model=SessionRead, status_code=201, dependencies=[Depends(session_limit)],
             responses=error_responses(429))
async def create_session(body: SessionCreate, ws: CurrentWorkspace, session: SessionDep):
    """Start a conversation."""
    return await service.create_session(session=session, ws_id=ws.id, user_id=ws.user.id, title=body.title)


@router.patch("/sessions/{session_id}", response_model=SessionRead)
async def rename_session(session_id: uuid.UUID, body: SessionUpdate, ws: CurrentWorkspace, session: SessionDep):
    """Rename a conversation."""
    row = await service.get_session(session=session, ws_id=ws.id, user_id=ws.user.id, session_id=session_id)
    return await service.rename_session(session=session, row=row, title=body.title)


@router.delete("/sessions/{session_id}", status_code=204)
async def delete_session(session_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """Delete a conversation."""
    row = await service.get_session(session=session, ws_id=ws.id, user_id=ws.user.id, session_id=session_id)
    await service.delete_session(session=session, row=row)
    return Response(status_code=204)


@router.get("/sessions/{session_id}/messages", response_model=MessageList)
async def list_messages(session_id: uuid.UUID, ws: CurrentWorkspace, session: SessionDep):
    """A conversation's messages in order."""
    await service.get_session(session=session, ws_id=ws.id, user_id=ws.user.id, session_id=session_id)
    return MessageList(items=await service.list_messages(session=session, ws_id=ws.id, session_id=session_id))


@router.post("/sessions/{session_id}/messages", response_model=ExchangeRead,
             dependencies=[Depends(message_limit), Depends(quota_limit)],
             responses={200: {"content": {"text/event-stream": {}}}} | error_responses(429))
async def send_message(session_id: uuid.UUID, body: MessageCreate, ws: CurrentWorkspace, session: SessionDep,
                       stream: bool = True):
    """Ask a question; the answer streams as SSE (meta, sources, token…, followups, done), or JSON with ?stream=false.

    The question is saved first and its answer always saved, whether or not the client stays; 503 with
    Retry-After (nothing saved) when more questions wait to be planned than the server takes at once."""
    await service.get_session(session=session, ws_id=ws.id, user_id=ws.user.id, session_id=session_id)
    await session.close()  # the answer reads and writes in short transactions of its own; hold nothing meanwhile
    answer = await answering.ask(ws_id=ws.id, user_id=ws.user.id, session_id=session_id, content=body.content,
                               followup_entry_id=body.followup_entry_id)
    if not stream:
        await answering.finish(answer)
        msgs = {m.id: m for m in await service.list_messages(session=session, ws_id=ws.id, session_id=session_id)}
        await session.close()
        return ExchangeRead(user_message=MessageRead.model_validate(msgs[answer.question_id]),
                            assistant_message=MessageRead.model_validate(msgs[answer.id]))

    async def frames():
        async for event in answer.events():
            yield event.encode()

    return StreamingResponse(frames(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})


@router.post("/messages/{message_id}/feedback", status_code=204)
async def feedback(message_id: uuid.UUID, body: FeedbackCreate, ws: CurrentWorkspace, session: SessionDep):
    """Thumbs up (1), down (-1) or clear (0) on an answer."""
    await service.set_feedback(session=session, ws_id=ws.id, user_id=ws.user.id, message_id=message_id,
                               rating=body.rating)
    return Response(status_code=204)
