"""The review queue: recent answers rated down or refused, with their question, sources and follow-ups; the
question can be taught to the right entry as an alias in one click."""

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.admin.schemas import AliasAdded, ReviewItem
from app.core.db import read
from app.core.errors import NotFound
from app.knowledge import ingest
from app.models import ChatMessage, KnowledgeEntry

_QUEUE = """
select a.id as message_id, a.created_at, coalesce(q.content, '') as question,
       coalesce(a.standalone_query, q.standalone_query) as standalone_query, a.content as answer, a.refused,
       a.feedback, a.sources, a.followups
from chat_messages a
left join chat_messages q on q.id = a.reply_to_id and q.workspace_id = a.workspace_id
where a.workspace_id = :ws and a.role = 'assistant' and (a.feedback = -1 or a.refused)
order by a.created_at desc
limit :limit
"""


async def queue(*, ws_id: uuid.UUID, limit: int) -> list[ReviewItem]:
    """The newest answers rated down or refused in a workspace."""
    rows = (await read(text(_QUEUE), {"ws": ws_id, "limit": limit})).mappings().all()
    return [ReviewItem.model_validate(dict(r)) for r in rows]


async def add_alias(*, session: AsyncSession, ws_id: uuid.UUID, actor_id: uuid.UUID, message_id: uuid.UUID,
                    entry_id: uuid.UUID) -> AliasAdded:
    """Index the question of a reviewed answer as another way of asking `entry_id`; audited."""
    answer = await session.get(ChatMessage, message_id)
    if answer is None or answer.workspace_id != ws_id or answer.role != "assistant":
        raise NotFound("Message not found.")
    entry = await session.get(KnowledgeEntry, entry_id)
    if entry is None or entry.workspace_id != ws_id:
        raise NotFound("Entry not found.")
    question = await session.get(ChatMessage, answer.reply_to_id) if answer.reply_to_id else None
    alias = answer.standalone_query or (question.content if question else "")
    alias = " ".join(alias.split())[:300]
    added = await ingest.learn_alias(session=session, ws_id=ws_id, entry_id=entry_id, text=alias)
    if added:
        audit.record(session, actor_id=actor_id, action="knowledge.alias_add", workspace_id=ws_id,
                     target_type="entry", target_id=entry_id, detail={"alias": alias, "message_id": str(message_id)})
    await session.commit()
    return AliasAdded(entry_id=entry_id, alias=alias, added=added)
