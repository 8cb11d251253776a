"""Stored prompts: the built-ins as version 1, new immutable versions, and label moves (each one audited)."""

import asyncio
import uuid
import weakref
from datetime import UTC, datetime

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from app.admin import audit
from app.core.db import sessionmaker
from app.core.errors import Conflict, NotFound
from app.models import Prompt, PromptLabel, PromptVersion, Workspace
from app.prompts import variables
from app.prompts.defaults import DEFAULTS, DESCRIPTIONS

_ensured: set[str] = set()  # keys this process has already synced with defaults.py
# One sync at a time per process (and event loop): a cold process's first burst of answers waits here for the one
# doing it, instead of each holding a pooled connection while it queues on the advisory lock (50 at once
# exhausted the pool).
_locks: "weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock]" = weakref.WeakKeyDictionary()


async def ensure(key: str) -> None:
    """Store the built-in text of `key` as a version (version 1 the first time), once per process.

    When defaults.py's text changed since, it becomes a new built-in version, and the platform's production label
    follows it only if it still pointed at the previous built-in (an admin's choice is never overridden)."""
    if key in _ensured:
        return
    if key not in DEFAULTS:
        raise NotFound(f"No prompt named {key}.")
    lock = _locks.setdefault(asyncio.get_running_loop(), asyncio.Lock())
    async with lock:
        if key not in _ensured:
            await _sync(key)
            _ensured.add(key)


async def _sync(key: str) -> None:
    async with sessionmaker()() as s:
        await s.execute(text("select pg_advisory_xact_lock(hashtext('sangdam.prompts.ensure'))"))
        prompt = (await s.execute(select(Prompt).where(Prompt.key == key))).scalar_one_or_none()
        if prompt is None:
            prompt = Prompt(id=uuid.uuid4(), key=key, description=DESCRIPTIONS.get(key, ""))
            s.add(prompt)
            await s.flush()
        newest = (await s.execute(select(PromptVersion).where(PromptVersion.prompt_id == prompt.id,
                                                              PromptVersion.builtin)
                                  .order_by(PromptVersion.version.desc()).limit(1))).scalar_one_or_none()
        if newest is None or newest.template != DEFAULTS[key]:
            version = await _add_version(s, prompt, template=DEFAULTS[key], note="built-in default", builtin=True)
            label = await _label(s, prompt.id, "production", None)
            if label is None:
                s.add(PromptLabel(prompt_id=prompt.id, label="production", version_id=version.id))
            elif newest is not None and label.version_id == newest.id:
                label.previous_version_id, label.version_id = label.version_id, version.id
        await s.commit()


async def ensure_all() -> None:
    """Store every registered prompt (the admin screen lists them all)."""
    for key in DEFAULTS:
        await ensure(key)


async def _add_version(s: AsyncSession, prompt: Prompt, *, template: str, note: str, builtin: bool = False,
                       created_by: uuid.UUID | None = None, model: str | None = None,
                       temperature: float | None = None, max_tokens: int | None = None) -> PromptVersion:
    # The prompt's row is locked, so two saves at once get consecutive numbers.
    await s.execute(select(Prompt.id).where(Prompt.id == prompt.id).with_for_update())
    last = await s.scalar(select(func.max(PromptVersion.version)).where(PromptVersion.prompt_id == prompt.id))
    version = PromptVersion(id=uuid.uuid4(), prompt_id=prompt.id, version=(last or 0) + 1, template=template,
                            note=note, builtin=builtin, created_by=created_by, model=model, temperature=temperature,
                            max_tokens=max_tokens)
    s.add(version)
    await s.flush()
    return version


async def _label(s: AsyncSession, prompt_id: uuid.UUID, label: str, ws_id: uuid.UUID | None) -> PromptLabel | None:
    scope = PromptLabel.workspace_id.is_(None) if ws_id is None else PromptLabel.workspace_id == ws_id
    return (await s.execute(select(PromptLabel).where(PromptLabel.prompt_id == prompt_id, PromptLabel.label == label,
                                                      scope).with_for_update())).scalar_one_or_none()


async def get_prompt(s: AsyncSession, key: str) -> Prompt:
    """The stored prompt `key` (stored on first use), or 404."""
    if key not in DEFAULTS:
        raise NotFound(f"No prompt named {key}.")
    await ensure(key)
    return (await s.execute(select(Prompt).where(Prompt.key == key))).scalar_one()


async def get_version(s: AsyncSession, prompt: Prompt, number: int) -> PromptVersion:
    """Version `number` of a prompt, or 404."""
    row = (await s.execute(select(PromptVersion).where(PromptVersion.prompt_id == prompt.id,
                                                       PromptVersion.version == number))).scalar_one_or_none()
    if row is None:
        raise NotFound(f"{prompt.key} has no version {number}.")
    return row


async def create_version(*, session: AsyncSession, key: str, actor_id: uuid.UUID, template: str, note: str,
                         model: str | None, temperature: float | None, max_tokens: int | None) -> PromptVersion:
    """Save a new version (the next number); it runs nowhere until a label points at it."""
    prompt = await get_prompt(session, key)
    variables.check(key, template)
    version = await _add_version(session, prompt, template=template, note=note, created_by=actor_id, model=model,
                                 temperature=temperature, max_tokens=max_tokens)
    audit.record(session, actor_id=actor_id, action="prompt.version.create", target_type="prompt_version",
                 target_id=version.id, detail={"key": key, "version": version.version, "note": note})
    await session.commit()
    return version


async def _workspace(s: AsyncSession, ws_id: uuid.UUID | None) -> None:
    if ws_id is not None and await s.get(Workspace, ws_id) is None:
        raise NotFound("Workspace not found.")


async def move_label(*, session: AsyncSession, key: str, actor_id: uuid.UUID, label: str, number: int,
                     ws_id: uuid.UUID | None, action: str = "prompt.label.move") -> PromptLabel:
    """Point `label` (platform-wide, or one workspace's override) at version `number`; it runs at once."""
    from app.prompts.service import invalidate

    prompt = await get_prompt(session, key)
    await _workspace(session, ws_id)
    version = await get_version(session, prompt, number)
    row = await _label(session, prompt.id, label, ws_id)
    before = None
    if row is None:
        row = PromptLabel(prompt_id=prompt.id, workspace_id=ws_id, label=label, version_id=version.id,
                          updated_by=actor_id)
        session.add(row)
    else:
        before = (await session.get(PromptVersion, row.version_id)).version  # type: ignore[union-attr]
        if row.version_id != version.id:
            row.previous_version_id, row.version_id = row.version_id, version.id
        row.updated_by, row.updated_at = actor_id, datetime.now(UTC)
    audit.record(session, actor_id=actor_id, action=action, workspace_id=ws_id, target_type="prompt",
                 target_id=prompt.id, detail={"key": key, "label": label, "from": before, "to": number})
    await session.commit()
    await invalidate()
    return row


async def rollback_label(*, session: AsyncSession, key: str, actor_id: uuid.UUID, label: str,
                         ws_id: uuid.UUID | None) -> PromptLabel:
    """Move `label` back to the version it pointed at before its last move (409 when it never moved)."""
    prompt = await get_prompt(session, key)
    row = await _label(session, prompt.id, label, ws_id)
    if row is None or row.previous_version_id is None:
        raise Conflict(f"The {label} label of {key} has no earlier version to go back to.")
    previous = await session.get(PromptVersion, row.previous_version_id)
    return await move_label(session=session, key=key, actor_id=actor_id, label=label,
                            number=previous.version, ws_id=ws_id, action="prompt.label.rollback")  # type: ignore[union-attr]


async def remove_label(*, session: AsyncSession, key: str, actor_id: uuid.UUID, label: str,
                       ws_id: uuid.UUID | None) -> None:
    """Take a label off (a workspace then runs the platform's version); the platform's production label stays."""
    from app.prompts.service import invalidate

    if ws_id is None and label == "production":
        raise Conflict("The platform's production label cannot be removed; move it instead.")
    prompt = await get_prompt(session, key)
    row = await _label(session, prompt.id, label, ws_id)
    if row is None:
        raise NotFound(f"{key} has no {label} label here.")
    version = (await session.get(PromptVersion, row.version_id)).version  # type: ignore[union-attr]
    await session.delete(row)
    audit.record(session, actor_id=actor_id, action="prompt.label.remove", workspace_id=ws_id, target_type="prompt",
                 target_id=prompt.id, detail={"key": key, "label": label, "from": version})
    await session.commit()
    await invalidate()
