"""`make eval`: import a FAQ into a fresh workspace and score the chat pipeline on a question set.

Every question goes through `chat.answering.reply`, the code path of the chat endpoint (history, retrieval,
on-topic decision, sources, generation); see ../shared/eval/FORMAT.md for the question and report formats.
"""

import argparse
import asyncio
import hashlib
import json
import sys
import time
import uuid
from pathlib import Path

from app.chat import answering
from app.chat import events as ev
from app.chat import service as chat
from app.chat.contextualize import Turn
from app.chat.pipeline import Plan, plan_answer, source_dicts
from app.core.db import dispose_engine, sessionmaker
from app.knowledge import ingest, structure
from app.knowledge.jobs import import_file
from app.llm.registry import default_chat_provider
from app.models import ChatMessage, KnowledgeEntry
from app.users.service import ensure_user
from app.workspaces import service as workspaces
from app.workspaces.schemas import WorkspaceSettingsRead


def key_ref(key: str) -> str:
    """The hash form of an FAQ key used by question sets."""
    return "sha256:" + hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _norm_expected(items: list[str]) -> set[str]:
    return {i if i.startswith("sha256:") else key_ref(i) for i in items}


def pct(values: list[float], q: float) -> float:
    """Percentile by nearest rank (0 when empty)."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))], 1)


async def setup_workspace(faq: Path, reuse: bool = False) -> tuple[uuid.UUID, uuid.UUID, dict, float]:
    """A fresh workspace with default settings holding `faq`; returns (ws, user, import result, seconds).

    With `reuse`, a workspace made earlier from the same file bytes is used again (iterating on the pipeline
    without re-importing); its settings are reset to the defaults first.
    """
    from sqlalchemy import select, text

    from app.models import Membership, Workspace, WorkspaceSettings
    from app.workspaces.schemas import WorkspaceSettingsRead

    data = faq.read_bytes()
    name = f"eval {faq.name} {hashlib.sha256(data).hexdigest()[:12]}"
    async with sessionmaker()() as s:
        if reuse:
            row = (await s.execute(select(Workspace.id, Membership.user_id).join(
                Membership, Membership.workspace_id == Workspace.id).where(Workspace.name == name))).first()
            if row is not None:
                defaults = WorkspaceSettingsRead.model_validate({"profile": {}, "qa": {}, "retrieval": {}})
                settings = await s.get(WorkspaceSettings, row[0])
                settings.profile, settings.qa = defaults.profile.model_dump(), defaults.qa.model_dump()
                settings.retrieval = defaults.retrieval.model_dump()
                await structure.refresh(session=s, ws_id=row[0])  # a workspace imported before revision 0016
                # Each run starts from the knowledge alone: the offers earlier runs accepted ("네 알려주세요" records
                # a click) would otherwise be learned and ranked first, and a run would measure its predecessors.
                await s.execute(text("DELETE FROM followup_stats WHERE workspace_id = :ws"), {"ws": row[0]})
                await s.commit()
                await _backfill_positions(s, row[0], faq.name, data)
                return row[0], row[1], {"entries": await ingest.count_entries(s, row[0]), "reused": True}, 0.0
        user = await ensure_user(session=s, email=f"eval-{uuid.uuid4().hex[:8]}@sangdam.dev", password=uuid.uuid4().hex)
        ws = await workspaces.create(session=s, owner=user, name=name)
        t0 = time.perf_counter()
        result = await import_file(session=s, ws_id=ws.id, filename=faq.name, data=data, progress=_progress)
        return ws.id, user.id, result, time.perf_counter() - t0


async def _backfill_positions(s, ws_id: uuid.UUID, filename: str, data: bytes) -> None:
    """A workspace imported before entries kept their file order gets it (follow-ups read it)."""
    from sqlalchemy import func, select

    missing = await s.scalar(select(func.count()).select_from(KnowledgeEntry).where(
        KnowledgeEntry.workspace_id == ws_id, KnowledgeEntry.position.is_(None)))
    if missing:
        from app.knowledge.parsing import load_knowledge

        await ingest.set_positions(session=s, ws_id=ws_id, source_keys=[r.question for r in load_knowledge(data, filename)])
        await s.commit()


async def _progress(done: int, total: int) -> None:
    print(f"\r  importing {done}/{total}", end="\n" if done == total else "", file=sys.stderr, flush=True)


async def replay(ws_id: uuid.UUID, history: list[dict], settings: WorkspaceSettingsRead | None = None) -> list[dict]:
    """The set's earlier turns as the chat would have recorded them: each user turn with its standalone query,
    each answer with the entries the pipeline cites for the question before it. The set writes the answers' text
    (and the offers in it); what they were grounded in is ours to record, as a live conversation records it."""
    if settings is None:
        async with sessionmaker()() as s:
            settings = await workspaces.load_settings(session=s, ws_id=ws_id)
    turns: list[Turn] = []
    out: list[dict] = []
    plan: Plan | None = None
    for turn in history:
        if turn["role"] == "user":
            plan = await plan_answer(ws_id=ws_id, settings=settings, history=list(turns), message=turn["content"])
            out.append({"role": "user", "content": turn["content"], "standalone_query": plan.standalone_query})
            turns.append(Turn(role="user", content=turn["content"], standalone_query=plan.standalone_query))
        else:
            sources = source_dicts(plan) if plan is not None and not plan.refused else []
            out.append({"role": "assistant", "content": turn["content"], "sources": sources,
                        "refused": bool(plan.refused) if plan is not None else False})
            turns.append(Turn(role="assistant", content=turn["content"], cited=[s["entry_id"] for s in sources]))
            plan = None
    return out


async def ask(ws_id: uuid.UUID, user_id: uuid.UUID, question: dict, keys: dict[uuid.UUID, str],
              plain_history: bool = False, settings: WorkspaceSettingsRead | None = None) -> dict:
    """Send one question (after its history) through the chat pipeline and record what it ranked.
    `plain_history`: store the earlier turns as bare text, with no standalone queries or sources."""
    history = question.get("history", [])
    recorded = ([{"role": t["role"], "content": t["content"]} for t in history] if plain_history or not history
                else await replay(ws_id, history, settings))
    async with sessionmaker()() as s:
        session = await chat.create_session(session=s, ws_id=ws_id, user_id=user_id, title=question["id"])
        for message in recorded:
            s.add(ChatMessage(workspace_id=ws_id, session_id=session.id, **message))
        await s.commit()
    plans: list[Plan] = []
    done: ev.Done | None = None
    error = None
    t0 = time.perf_counter()
    async for event in answering.reply(ws_id=ws_id, user_id=user_id, session_id=session.id, content=question["question"],
                                  on_plan=plans.append):
        if isinstance(event, ev.Done):
            done = event
        elif isinstance(event, ev.Error):
            error = event.message
    plan = plans[0] if plans else None
    ranked = [keys[h.entry_id] for h in plan.hits[:5]] if plan else []
    return {"id": question["id"], "kind": question["kind"], "refused": bool(done.refused) if done else True,
            "ranked": ranked, "ms": round((time.perf_counter() - t0) * 1000, 1),
            "retrieval_ms": round(plan.retrieval_ms, 1) if plan else None,
            "first_token_ms": done.latency_ms.get("first_token") if done else None,
            "standalone_query": plan.standalone_query if plan else None, "error": error,
            "followups": [keys[uuid.UUID(f["entry_id"])] for f in plan.followups] if plan else [],
            "expected": sorted(_norm_expected(question.get("expected", [])))}


def score(rows: list[dict]) -> dict:
    """Summarise per-question rows into the report's metrics."""
    def answerable(kind: str) -> dict:
        sel = [r for r in rows if r["kind"] == kind]
        n = len(sel)
        if not n:
            return {"n": 0, "hit_at_1": 0.0, "hit_at_5": 0.0, "mrr": 0.0, "false_refusal_rate": 0.0}
        hit1 = hit5 = rr = refused = 0.0
        for r in sel:
            if r["refused"]:
                refused += 1
                continue
            ranks = [i for i, k in enumerate(map(key_ref, r["ranked"])) if k in set(r["expected"])]
            if ranks:
                hit1 += ranks[0] == 0
                hit5 += ranks[0] < 5
                rr += 1 / (ranks[0] + 1)
        return {"n": n, "hit_at_1": round(hit1 / n, 4), "hit_at_5": round(hit5 / n, 4), "mrr": round(rr / n, 4),
                "false_refusal_rate": round(refused / n, 4)}

    off = [r for r in rows if r["kind"] == "offtopic"]
    multi = answerable("multiturn")
    multi.pop("mrr")
    retrieval = [r["retrieval_ms"] for r in rows if r["retrieval_ms"] is not None]
    first = [r["first_token_ms"] for r in rows if r["first_token_ms"] is not None]
    return {
        "single": answerable("single"),
        "multiturn": multi,
        "offtopic": {"n": len(off), "refusal_rate": round(sum(r["refused"] for r in off) / len(off), 4) if off else 0.0},
        "latency_ms": {"retrieval_p50": pct(retrieval, 0.5), "retrieval_p95": pct(retrieval, 0.95),
                       "first_token_p50": pct(first, 0.5), "first_token_p95": pct(first, 0.95)},
    }


async def main(faq: Path, questions_path: Path, report_path: Path, reuse: bool = False,
               followups_path: Path | None = None, plain_history: bool = False) -> None:
    from sqlalchemy import select

    questions = [json.loads(line) for line in questions_path.read_text(encoding="utf-8").splitlines() if line.strip()]
    ws_id, user_id, imported, seconds = await setup_workspace(faq, reuse)
    print(f"imported {imported['entries']} entries in {seconds:.1f} s", file=sys.stderr)
    async with sessionmaker()() as s:
        keys = dict((await s.execute(select(KnowledgeEntry.id, KnowledgeEntry.source_key)
                                     .where(KnowledgeEntry.workspace_id == ws_id))).all())
        settings = await workspaces.load_settings(session=s, ws_id=ws_id)
    rows = []
    for q in questions:
        rows.append(await ask(ws_id, user_id, q, keys, plain_history, settings))
    summary = score(rows) | {"one_click": one_click(rows)}
    dialogue_rows: list[dict] = []
    if followups_path is not None:
        from app.eval import dialogue

        items = dialogue.load(followups_path)
        dialogue_rows = [await dialogue.run_item(ws_id, user_id, item, keys) for item in items]
        summary |= dialogue.score(dialogue_rows)
    chat_provider = settings.qa.provider or default_chat_provider()
    summary["providers"] = {"embedding": settings.retrieval.embedding_provider, "chat": chat_provider}
    if not imported.get("reused"):
        summary["import_seconds"] = round(seconds, 1)
    per_question = [{k: r[k] for k in ("id", "refused", "ranked", "ms", "followups")} |
                    {"expected": r["expected"], "standalone_query": r["standalone_query"]} for r in rows]
    extra = {"per_followup_item": dialogue_rows} if dialogue_rows else {}
    report_path.write_text(json.dumps(summary | {"per_question": per_question} | extra, ensure_ascii=False, indent=1),
                           encoding="utf-8")
    misses = [r for r in rows if r["kind"] != "offtopic" and (r["refused"] or not r["ranked"] or
                                                             key_ref(r["ranked"][0]) not in r["expected"])]
    wrong_off = [r for r in rows if r["kind"] == "offtopic" and not r["refused"]]
    print(f"misses: {len(misses)} answerable, {len(wrong_off)} off-topic answered; details in {report_path}",
          file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))


def one_click(rows: list[dict]) -> dict:
    """Beyond the format: the share of answerable questions whose entry is answered first or offered among the
    follow-ups, one click away (a refusal counts as a miss)."""
    out = {}
    for kind in ("single", "multiturn"):
        sel = [r for r in rows if r["kind"] == kind]
        got = sum(1 for r in sel if not r["refused"] and (
            (r["ranked"] and key_ref(r["ranked"][0]) in r["expected"])
            or any(key_ref(k) in r["expected"] for k in r["followups"])))
        out[kind] = round(got / len(sel), 4) if sel else 0.0
    return out


def run_cli(args, body) -> None:
    """Check the FAQ path, run `body(faq)` on a fresh event loop and close the pool after."""
    faq = Path(args.faq)
    if not faq.exists():
        sys.exit(f"FAQ file not found: {faq} (set FAQ=<file>)")

    async def run() -> None:
        try:
            await body(faq)
        finally:
            await dispose_engine()

    asyncio.run(run())


def cli() -> None:
    parser = argparse.ArgumentParser(prog="make eval")
    parser.add_argument("--faq", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--report", required=True)
    parser.add_argument("--reuse", action="store_true", help="reuse a workspace imported from the same file")
    parser.add_argument("--followups", default="", help="a follow-up / way-back set (eval/followups.jsonl)")
    parser.add_argument("--plain-history", action="store_true",
                        help="store multi-turn history as bare text (no standalone queries, no cited entries)")
    args = parser.parse_args()
    extra = Path(args.followups) if args.followups else None
    run_cli(args, lambda faq: main(faq, Path(args.questions), Path(args.report), args.reuse, extra,
                                   args.plain_history))


if __name__ == "__main__":
    cli()
