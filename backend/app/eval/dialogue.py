"""`make eval` on a follow-up / way-back set (eval/followups.jsonl, described in eval/README.md).

- followup items: the anchor entry's own question is asked through the chat pipeline (the question text comes
  from the workspace, never from the repo); the follow-ups it offers are scored against the entries judged
  acceptable as next steps. Then "네 알려주세요" is sent in the same conversation: it must land on one of them.
- bridge items: an off-topic question must be refused, and the one suggestion the refusal makes must be one of
  the entries judged to bridge its subject back to the knowledge.
Items whose anchor is not in the workspace (another knowledge file) are skipped and counted.
"""

import json
import uuid
from pathlib import Path

from app.chat import answering
from app.chat import events as ev
from app.chat import service as chat
from app.chat.pipeline import Plan
from app.core.db import sessionmaker
from app.models import KnowledgeEntry

ACCEPT = "네 알려주세요"


def load(path: Path) -> list[dict]:
    """The set's items, one JSON object a line."""
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


async def _turn(ws_id: uuid.UUID, user_id: uuid.UUID, session_id: uuid.UUID, content: str) -> tuple[Plan | None, bool]:
    plans: list[Plan] = []
    refused = True
    async for event in answering.reply(ws_id=ws_id, user_id=user_id, session_id=session_id, content=content,
                                       on_plan=plans.append):
        if isinstance(event, ev.Done):
            refused = event.refused
    return (plans[0] if plans else None), refused


async def run_item(ws_id: uuid.UUID, user_id: uuid.UUID, item: dict, keys: dict[uuid.UUID, str]) -> dict:
    """Ask one item through the chat pipeline and record what was offered (as hash refs)."""
    from app.eval.run import key_ref

    refs = {key_ref(k): eid for eid, k in keys.items()}
    row = {"id": item["id"], "kind": item["kind"], "part": item.get("part", "dev"),
           "acceptable": sorted(item["acceptable"])}
    if item["kind"] == "followup":
        anchor = refs.get(item["anchor"])
        row["anchor"] = item["anchor"]
        if anchor is None:
            return row | {"skipped": True}
        async with sessionmaker()() as s:
            question = (await s.get(KnowledgeEntry, anchor)).question
        message = question
    else:
        message = item["question"]
    async with sessionmaker()() as s:
        session = await chat.create_session(session=s, ws_id=ws_id, user_id=user_id, title=item["id"])
    plan, refused = await _turn(ws_id, user_id, session.id, message)
    offered = [key_ref(keys[uuid.UUID(f["entry_id"])]) for f in (plan.followups if plan else []) if f.get("entry_id")]
    row |= {"refused": refused, "offered": offered,
            "cited": key_ref(keys[plan.cited[0].entry_id]) if plan and plan.cited else None}
    if item["kind"] == "followup" and offered:
        after, _ = await _turn(ws_id, user_id, session.id, ACCEPT)
        row["accepted"] = key_ref(keys[after.cited[0].entry_id]) if after and after.cited else None
    return row


def score(rows: list[dict]) -> dict:
    """followups: precision@3, first offer acceptable, "네 알려주세요" acceptable; bridge: steer-back precision."""
    out: dict = {"followups": {}, "bridge": {}}
    for part in sorted({r["part"] for r in rows}):
        fol = [r for r in rows if r["kind"] == "followup" and r["part"] == part and not r.get("skipped")]
        if fol:
            offered = sum(min(3, len(r["offered"])) for r in fol)
            good = sum(sum(o in r["acceptable"] for o in r["offered"][:3]) for r in fol)
            out["followups"][part] = {
                "n": len(fol), "precision_at_3": round(good / offered, 4) if offered else 0.0,
                "first_offer_acceptable": round(sum(bool(r["offered"]) and r["offered"][0] in r["acceptable"]
                                                    for r in fol) / len(fol), 4),
                "accept_lands_acceptable": round(sum(r.get("accepted") in r["acceptable"] for r in fol) / len(fol), 4),
                "anchor_answered_first": round(sum(r["cited"] == r["anchor"] for r in fol) / len(fol), 4),
                "skipped": sum(1 for r in rows if r["kind"] == "followup" and r["part"] == part and r.get("skipped"))}
        bri = [r for r in rows if r["kind"] == "bridge" and r["part"] == part]
        if bri:
            out["bridge"][part] = {
                "n": len(bri), "refused": round(sum(r["refused"] for r in bri) / len(bri), 4),
                "steer_back_precision": round(sum(r["refused"] and bool(r["offered"]) and r["offered"][0] in
                                                  r["acceptable"] for r in bri) / len(bri), 4)}
    return out
