"""Prompt management (platform admins): versions, labels, diffs, statistics and the playground."""

import uuid

from fastapi import APIRouter, Path, Query, Response

from app.core.db import SessionDep
from app.core.deps import AdminUser
from app.core.errors import error_responses
from app.prompts import playground, queries, store
from app.prompts.schemas import (
    Label,
    LabelMove,
    LabelScope,
    PlaygroundResult,
    PlaygroundRun,
    PromptDetail,
    PromptDiff,
    PromptList,
    PromptStats,
    PromptVersionCreate,
    PromptVersionRead,
)

router = APIRouter(prefix="/admin/prompts", tags=["prompts"], responses=error_responses(404))
Key = Path(max_length=100, pattern=r"^[a-z][a-z0-9_.]*$")


@router.get("", response_model=PromptList)
async def list_prompts(_: AdminUser, session: SessionDep):
    """Every prompt the pipeline uses, with its variables and where its labels point."""
    return {"items": await queries.list_prompts(session=session)}


@router.get("/{key}", response_model=PromptDetail)
async def get_prompt(_: AdminUser, session: SessionDep, key: str = Key):
    """One prompt with every version (newest first) and every label, platform and workspace overrides."""
    return await queries.prompt_detail(session=session, key=key)


@router.post("/{key}/versions", response_model=PromptVersionRead, status_code=201, responses=error_responses(422))
async def create_version(body: PromptVersionCreate, admin: AdminUser, session: SessionDep, key: str = Key):
    """Save a new immutable version (the next number); 422 naming an unknown or missing variable. Runs nowhere
    until a label points at it."""
    return await store.create_version(session=session, key=key, actor_id=admin.id, template=body.template,
                                      note=body.note, model=body.model, temperature=body.temperature,
                                      max_tokens=body.max_tokens)


@router.put("/{key}/labels/{label}", response_model=PromptDetail)
async def move_label(label: Label, body: LabelMove, admin: AdminUser, session: SessionDep, key: str = Key):
    """Point a label at a version, platform-wide or for one workspace (activate: move `production`)."""
    await store.move_label(session=session, key=key, actor_id=admin.id, label=label, number=body.version,
                           ws_id=body.workspace_id)
    return await queries.prompt_detail(session=session, key=key)


@router.post("/{key}/labels/{label}/rollback", response_model=PromptDetail, responses=error_responses(409))
async def rollback_label(label: Label, body: LabelScope, admin: AdminUser, session: SessionDep, key: str = Key):
    """Move a label back to where it pointed before its last move (409 when it never moved)."""
    await store.rollback_label(session=session, key=key, actor_id=admin.id, label=label, ws_id=body.workspace_id)
    return await queries.prompt_detail(session=session, key=key)


@router.delete("/{key}/labels/{label}", status_code=204, responses=error_responses(409))
async def remove_label(label: Label, admin: AdminUser, session: SessionDep, key: str = Key,
                       workspace_id: uuid.UUID | None = None):
    """Remove a workspace's override (it then runs the platform's version) or the platform's staging label."""
    await store.remove_label(session=session, key=key, actor_id=admin.id, label=label, ws_id=workspace_id)
    return Response(status_code=204)


@router.get("/{key}/diff", response_model=PromptDiff)
async def diff(_: AdminUser, session: SessionDep, key: str = Key, old: int = Query(ge=1, le=1_000_000),
               new: int = Query(ge=1, le=1_000_000)):
    """Two versions side by side (the SPA draws the line diff), and which fields differ."""
    return await queries.diff(session=session, key=key, old=old, new=new)


@router.get("/{key}/stats", response_model=PromptStats)
async def stats(_: AdminUser, session: SessionDep, key: str = Key, workspace_id: uuid.UUID | None = None,
                days: int = Query(30, ge=1, le=365)):
    """Per version: the answers that used it, their thumbs up/down and refusals, over the last `days`."""
    return {"key": key, "items": await queries.version_stats(session=session, key=key, ws_id=workspace_id, days=days)}


@router.post("/{key}/playground", response_model=PlaygroundResult, responses=error_responses(422, 502))
async def run_playground(body: PlaygroundRun, _: AdminUser, session: SessionDep, key: str = Key):
    """Answer a question on a workspace with a stored version or an unsaved draft of this prompt in place of the
    production one: answer, sources and latency. Nothing is saved and no label moves."""
    await session.close()  # the run reads in short transactions of its own; hold nothing while a model streams
    return await playground.run(key=key, body=body)
