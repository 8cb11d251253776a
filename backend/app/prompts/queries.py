"""Read views of the stored prompts for the admin screens: the list, one prompt's history, version statistics."""

import uuid

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.errors import NotFound
from app.prompts import store, variables
from app.prompts.defaults import DEFAULTS, DESCRIPTIONS
from app.workspaces.schemas import DEFAULT_REFUSAL


async def list_prompts(*, session: AsyncSession) -> list[dict]:
    """Every registered prompt with its version count and where its labels point."""
    await store.ensure_all()
    rows = (await session.execute(text(
        "select p.key, count(distinct v.id) as versions, max(v.version) as latest_version, "
        "max(pv.version) filter (where l.label = 'production' and l.workspace_id is null) as production_version, "
        "max(pv.version) filter (where l.label = 'staging' and l.workspace_id is null) as staging_version, "
        "count(distinct l.workspace_id) filter (where l.workspace_id is not null) as overrides "
        "from prompts p join prompt_versions v on v.prompt_id = p.id "
        "left join prompt_labels l on l.prompt_id = p.id left join prompt_versions pv on pv.id = l.version_id "
        "where p.key = any(:keys) group by p.key"), {"keys": list(DEFAULTS)})).mappings().all()
    by_key = {r["key"]: dict(r) for r in rows}
    return [by_key[k] | {"description": DESCRIPTIONS.get(k, ""), "variables": variables.declared(k)}
            for k in DEFAULTS if k in by_key]


async def prompt_detail(*, session: AsyncSession, key: str) -> dict:
    """One prompt: its variables, every version (newest first, with its author) and every label."""
    prompt = await store.get_prompt(session, key)
    versions = (await session.execute(text(
        "select v.id, v.version, v.template, v.note, v.model, v.temperature, v.max_tokens, v.builtin, v.created_by, "
        "u.email as author, v.created_at from prompt_versions v left join users u on u.id = v.created_by "
        "where v.prompt_id = :pid order by v.version desc"), {"pid": prompt.id})).mappings().all()
    labels = (await session.execute(text(
        "select l.label, l.workspace_id, w.name as workspace_name, v.version, pv.version as previous_version, "
        "l.updated_at, u.email as updated_by "
        "from prompt_labels l join prompt_versions v on v.id = l.version_id "
        "left join prompt_versions pv on pv.id = l.previous_version_id "
        "left join workspaces w on w.id = l.workspace_id left join users u on u.id = l.updated_by "
        "where l.prompt_id = :pid order by l.workspace_id nulls first, w.name, l.label"),
        {"pid": prompt.id})).mappings().all()
    return {"key": key, "description": DESCRIPTIONS.get(key, ""), "variables": variables.declared(key),
            "versions": [dict(v) for v in versions], "labels": [dict(x) for x in labels]}


async def version_stats(*, session: AsyncSession, key: str, ws_id: uuid.UUID | None, days: int) -> list[dict]:
    """Per version of `key`: the answers that used it, their feedback and how many were refusals.

    A refusal is an answer refused before generation or one whose text is the workspace's refusal message (the
    model declined, or the guard stopped a recital)."""
    prompt = await store.get_prompt(session, key)
    rows = (await session.execute(text(
        "with used as (select m.prompt_versions ->> :key as version_id, count(*) as messages, "
        "count(*) filter (where m.feedback = 1) as feedback_up, count(*) filter (where m.feedback = -1) as feedback_down, "
        "count(*) filter (where m.refused or starts_with(m.content, "
        "coalesce(s.profile ->> 'refusal_message', :default_refusal))) as refusals "
        "from chat_messages m left join workspace_settings s on s.workspace_id = m.workspace_id "
        "where m.role = 'assistant' and m.prompt_versions ->> :key is not null "
        "and m.created_at > now() - make_interval(days => :days) "
        "and (cast(:ws as uuid) is null or m.workspace_id = cast(:ws as uuid)) group by 1) "
        "select v.id as version_id, v.version, coalesce(u.messages, 0) as messages, "
        "coalesce(u.feedback_up, 0) as feedback_up, coalesce(u.feedback_down, 0) as feedback_down, "
        "coalesce(u.refusals, 0) as refusals "
        "from prompt_versions v left join used u on u.version_id = v.id::text "
        "where v.prompt_id = :pid order by v.version desc"),
        {"key": key, "pid": prompt.id, "ws": ws_id, "days": days, "default_refusal": DEFAULT_REFUSAL}
    )).mappings().all()
    return [dict(r) | {"refusal_rate": (r["refusals"] / r["messages"]) if r["messages"] else None} for r in rows]


async def diff(*, session: AsyncSession, key: str, old: int, new: int) -> dict:
    """Two versions of `key` and the fields in which they differ."""
    detail = await prompt_detail(session=session, key=key)
    by_number = {v["version"]: v for v in detail["versions"]}
    missing = next((n for n in (old, new) if n not in by_number), None)
    if missing is not None:
        raise NotFound(f"{key} has no version {missing}.")
    a, b = by_number[old], by_number[new]
    changed = [f for f in ("template", "model", "temperature", "max_tokens") if a[f] != b[f]]
    return {"key": key, "old": a, "new": b, "changed": changed}
