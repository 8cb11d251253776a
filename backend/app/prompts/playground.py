"""The playground: answer one question on a workspace with a stored version or an unsaved draft in place of the
production version, through the chat pipeline itself. Nothing is saved and no label moves."""

import time
import uuid

from app.chat import answering
from app.chat.answer import strategy
from app.chat.pipeline import plan_answer, source_dicts
from app.core.db import sessionmaker
from app.core.errors import NotFound
from app.models import Workspace
from app.prompts import store, variables
from app.prompts.schemas import PlaygroundRun
from app.prompts.service import ActivePrompt, active_prompt, overriding, tracking
from app.workspaces.service import load_settings

NOT_USED = {
    True: "This question did not need the prompt (e.g. it was refused before any answer was written).",
    False: "No language model is configured for this workspace: the answer quotes the knowledge (extractive), "
           "and this run did not use the prompt's text.",
}


async def _candidate(key: str, body: PlaygroundRun) -> ActivePrompt:
    if body.draft is not None:
        variables.check(key, body.draft.template)
        d = body.draft
        return ActivePrompt(key=key, version_id=None, version=None, template=d.template, model=d.model,
                            temperature=d.temperature, max_tokens=d.max_tokens)
    if body.version is None:
        return await active_prompt(key, ws_id=body.workspace_id)
    async with sessionmaker()() as s:
        v = await store.get_version(s, await store.get_prompt(s, key), body.version)
    return ActivePrompt(key=key, version_id=v.id, version=v.version, template=v.template, model=v.model,
                        temperature=v.temperature, max_tokens=v.max_tokens)


async def run(*, key: str, body: PlaygroundRun) -> dict:
    """Plan and write the answer as chat would, with the candidate version of `key`; return it with its timings."""
    ws_id: uuid.UUID = body.workspace_id
    async with sessionmaker()() as s:
        if key not in store.DEFAULTS:
            raise NotFound(f"No prompt named {key}.")
        if await s.get(Workspace, ws_id) is None:
            raise NotFound("Workspace not found.")
        settings = await load_settings(session=s, ws_id=ws_id)
    candidate = await _candidate(key, body)
    t0 = time.perf_counter()
    first: float | None = None
    parts: list[str] = []
    with overriding({key: candidate}), tracking() as used:
        plan = await plan_answer(ws_id=ws_id, settings=settings, history=[], message=body.question)
        answer = strategy(settings.qa.provider)
        system = None
        if not plan.refused and answer.generative:
            system = await answering._system_prompt(ws_id, settings, plan)
        chunks, provider = answering._chunks(ws_id, settings, answer, plan, [], body.question, system)
        async for chunk in chunks:
            if chunk.text:
                first = first if first is not None else (time.perf_counter() - t0) * 1000
                parts.append(chunk.text)
    latency = {"total": round((time.perf_counter() - t0) * 1000, 1), "retrieval": round(plan.retrieval_ms, 1),
               "rewrite": round(plan.rewrite_ms, 1), "rerank": round(plan.rerank_ms, 1)}
    if first is not None:
        latency["first_token"] = round(first, 1)
    prompt_used = key in used
    return {"key": key, "version": candidate.version, "prompt_used": prompt_used,
            "note": None if prompt_used else NOT_USED[answer.generative], "answer": "".join(parts),
            "refused": plan.refused, "provider": provider, "standalone_query": plan.standalone_query,
            "sources": source_dicts(plan), "followups": plan.followups, "prompt_versions": dict(used),
            "latency_ms": latency}
