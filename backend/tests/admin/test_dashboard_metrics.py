"""The dashboard against seeded rows: exact counts, rates, percentiles (percentile_cont = linear interpolation),
per model with its cost from model_prices, per prompt version; and who may see it."""

import json
import uuid
from datetime import UTC, datetime

import numpy as np
from sqlalchemy import text

from app.core.db import sessionmaker
from app.models import Prompt, PromptVersion
from tests.conftest import add_member, make_actor, make_workspace

# Days no other test writes messages on, so the platform-wide figures are this file's alone.
D1, D3 = "2019-03-10", "2019-03-12"


async def seed(ws_id: str, user_id, rows: list[dict]) -> None:
    """One conversation per user holding a question and its answer per row."""
    async with sessionmaker()() as s:
        sid = uuid.uuid4()
        await s.execute(text("insert into chat_sessions (id, workspace_id, user_id, title) values (:id, :ws, :u, 't')"),
                        {"id": sid, "ws": ws_id, "u": user_id})
        for r in rows:
            at = datetime.fromisoformat(r["at"]).replace(tzinfo=UTC)
            qid = uuid.uuid4()
            await s.execute(text(
                "insert into chat_messages (id, workspace_id, session_id, role, content, followup_entry_id, status, created_at)"
                " values (:id, :ws, :sid, 'user', :q, :click, 'complete', :at)"),
                {"id": qid, "ws": ws_id, "sid": sid, "q": r.get("q", "질문"), "at": at,
                 "click": uuid.uuid4() if r.get("clicked") else None})
            await s.execute(text(
                "insert into chat_messages (id, workspace_id, session_id, role, reply_to_id, content, refused, feedback,"
                " latency_ms, prompt_tokens, completion_tokens, provider, prompt_version_id, followups, sources,"
                " standalone_query, status, created_at) values (:id, :ws, :sid, 'assistant', :qid, '답변', :refused, :fb,"
                " cast(:lat as jsonb), :pt, :ct, :prov, :pv, cast(:fu as jsonb), cast(:src as jsonb), :sq, 'complete', :at)"),
                {"id": uuid.uuid4(), "ws": ws_id, "sid": sid, "qid": qid, "refused": r.get("refused", False),
                 "fb": r.get("feedback"), "pt": r.get("pt", 0), "ct": r.get("ct", 0), "prov": r.get("model"),
                 "pv": r.get("version"), "sq": r.get("q", "질문"),
                 "lat": json.dumps({"retrieval": r["ret"], "first_token": r["first"], "total": r["total"]}),
                 "fu": '[{"question": "다음", "entry_id": null}]' if r.get("offered") else "[]",
                 "src": json.dumps([{"entry_id": str(uuid.uuid4()), "question": "출처", "category": None, "score": 0.9}]),
                 "at": at.replace(microsecond=500)})
        await s.commit()


async def prompt_version() -> uuid.UUID:
    async with sessionmaker()() as s:
        prompt = Prompt(key=f"t.{uuid.uuid4().hex[:8]}")
        s.add(prompt)
        await s.flush()
        version = PromptVersion(prompt_id=prompt.id, version=7, template="x")
        s.add(version)
        await s.commit()
        return version.id


def pct(values, q):
    return float(np.percentile(values, q * 100))


async def test_dashboard_counts_rates_percentiles_models_and_versions(client):
    admin, owner, member = await make_actor(client, is_admin=True), await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    other_owner = await make_actor(client)
    other = (await make_workspace(client, other_owner))["id"]
    await add_member(client, owner, ws, member)
    v7 = await prompt_version()
    await client.put("/api/v1/admin/model-prices/test-model", json={"input_usd_per_mtok": 2, "output_usd_per_mtok": 10},
                     headers=admin.headers)
    day1 = [
        dict(at=f"{D1}T01:00:00", ret=10, first=100, total=1000, model="test-model", pt=1000, ct=200, version=v7,
             feedback=1, offered=True),
        dict(at=f"{D1}T02:00:00", ret=20, first=200, total=2000, model="test-model", pt=3000, ct=400, version=v7,
             feedback=-1, offered=True, clicked=True),
        dict(at=f"{D1}T23:59:00", ret=30, first=300, total=3000, model="refusal", refused=True, offered=True),
    ]
    day3 = [dict(at=f"{D3}T00:00:00", ret=40, first=400, total=4000, model="extractive", feedback=-1, clicked=True),
            dict(at=f"{D3}T12:00:00", ret=50, first=500, total=5000, model="unpriced", pt=10, ct=10)]
    await seed(ws, owner.user.id, day1)
    await seed(ws, member.user.id, day3)
    await seed(other, other_owner.user.id, [dict(at=f"{D3}T05:00:00", ret=1, first=1, total=1, model="extractive")])

    r = await client.get(f"/api/v1/workspaces/{ws}/dashboard", params={"start": D1, "end": D3}, headers=owner.headers)
    assert r.status_code == 200, r.text
    d = r.json()
    t = d["totals"]
    assert (t["questions"], t["answers"], t["active_users"], t["refusals"]) == (5, 5, 2, 1)
    assert t["refusal_rate"] == 0.2
    assert (t["followups_offered"], t["followup_clicks"], t["followup_click_rate"]) == (3, 2, round(2 / 3, 4))
    assert (t["feedback_up"], t["feedback_down"]) == (1, 2)
    assert (t["prompt_tokens"], t["completion_tokens"]) == (4010, 610)
    totals = [1000, 2000, 3000, 4000, 5000]
    assert d["latency"]["total"] == {"p50": 3000.0, "p95": pct(totals, 0.95)}
    assert d["latency"]["retrieval"] == {"p50": 30.0, "p95": pct([10, 20, 30, 40, 50], 0.95)}
    assert d["latency"]["first_token"]["p95"] == pct([100, 200, 300, 400, 500], 0.95)

    days = {x["day"]: x for x in d["days"]}
    assert list(days) == [D1, "2019-03-11", D3]  # the empty day is there, with zeros
    assert (days[D1]["questions"], days[D1]["answers"], days[D1]["refusals"], days[D1]["active_users"]) == (3, 3, 1, 1)
    assert days["2019-03-11"]["answers"] == 0 and days["2019-03-11"]["latency_total"] == {"p50": None, "p95": None}
    assert days[D3]["latency_total"] == {"p50": 4500.0, "p95": pct([4000, 5000], 0.95)}
    # The days add up to the totals (active users do not: the same user on two days is one user).
    for key in ("questions", "answers", "refusals", "feedback_up", "feedback_down", "followup_clicks", "prompt_tokens"):
        assert sum(x[key] for x in d["days"]) == t[key]

    models = {m["model"]: m for m in d["models"]}
    assert models["test-model"]["answers"] == 2
    assert models["test-model"]["cost_usd"] == round(4000 * 2 / 1e6 + 600 * 10 / 1e6, 6)
    assert models["refusal"]["cost_usd"] == 0 and models["unpriced"]["cost_usd"] is None
    assert t["cost_usd"] == models["test-model"]["cost_usd"]

    versions = {v["prompt_version_id"]: v for v in d["prompt_versions"]}
    assert (versions[str(v7)]["version"], versions[str(v7)]["answers"], versions[str(v7)]["feedback_down"]) == (7, 2, 1)
    assert versions[None]["answers"] == 3 and versions[None]["refusal_rate"] == round(1 / 3, 4)

    # Platform-wide (admins): both workspaces.
    r = await client.get("/api/v1/admin/dashboard", params={"start": D1, "end": D3}, headers=admin.headers)
    assert r.status_code == 200
    assert (r.json()["totals"]["answers"], r.json()["totals"]["active_users"]) == (6, 3)
    # An admin who is not a member sees the workspace's dashboard too.
    r = await client.get(f"/api/v1/workspaces/{ws}/dashboard", params={"start": D1, "end": D3}, headers=admin.headers)
    assert r.status_code == 200 and r.json()["totals"]["answers"] == 5


async def test_dashboard_access_and_periods(client):
    owner, member, stranger = await make_actor(client), await make_actor(client), await make_actor(client)
    ws = (await make_workspace(client, owner))["id"]
    await make_workspace(client, stranger)
    await add_member(client, owner, ws, member)
    url = f"/api/v1/workspaces/{ws}/dashboard"
    assert (await client.get(url, headers=member.headers)).status_code == 403  # a member, not an owner
    r = await client.get(url, headers=stranger.headers)  # another workspace's owner: not even its existence
    assert r.status_code == 404 and r.json()["error"] == "not_found"
    assert (await client.get(f"/api/v1/workspaces/{ws}/quota", headers=stranger.headers)).status_code == 404
    assert (await client.get(f"/api/v1/workspaces/{ws}/review", headers=stranger.headers)).status_code == 404
    assert (await client.get("/api/v1/admin/dashboard", headers=owner.headers)).status_code == 403
    r = await client.get(url, headers=owner.headers)
    assert r.status_code == 200 and len(r.json()["days"]) == 30 and r.json()["totals"]["answers"] == 0
    r = await client.get(url, params={"start": "2026-02-01", "end": "2026-01-01"}, headers=owner.headers)
    assert r.status_code == 400 and r.json()["error"] == "bad_period"
    r = await client.get(url, params={"start": "2020-01-01", "end": "2026-01-01"}, headers=owner.headers)
    assert r.status_code == 400
