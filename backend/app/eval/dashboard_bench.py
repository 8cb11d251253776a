"""`make bench` level `dashboard`: a million chat messages seeded in SQL (generate_series), then the dashboard's
statements timed on them: a busy workspace's month and week, the platform's month, the quota check, the review queue.

Seeded: 200 users, 1,000 conversations; one busy workspace holds 800,000 messages (400,000 questions and their
answers) over 90 days, 20 others 10,000 each. Each timing is the median of 5 runs after one unmeasured run.
"""

import statistics
import time
import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from app.admin import dashboard, quotas, review
from app.core.db import read, sessionmaker
from app.models import Workspace

DAYS = 90
BUSY_PAIRS = 400_000
OTHER_PAIRS = 5_000
OTHERS = 20

_USERS = """insert into users (id, email, name, password_hash)
select gen_random_uuid(), 'bench-dash-' || :tag || '-' || g || '@sangdam.dev', '', 'x' from generate_series(1, 200) g"""
_SESSIONS = """insert into chat_sessions (id, workspace_id, user_id, title)
select gen_random_uuid(), :ws, u.id, 'bench' from users u, generate_series(1, :per_user) k
where u.email like 'bench-dash-' || :tag || '-%'"""
# Question g and its answer, spread evenly over the last DAYS days; the answer one second after its question.
_MESSAGES = """with s as (select array_agg(id) a from chat_sessions where workspace_id = :ws)
insert into chat_messages (id, workspace_id, session_id, role, reply_to_id, content, followup_entry_id, refused,
                           feedback, latency_ms, prompt_tokens, completion_tokens, provider, followups, sources,
                           standalone_query, status, created_at)
select case r when 0 then md5(:tag || :ws || 'q' || g)::uuid else md5(:tag || :ws || 'a' || g)::uuid end,
       :ws, s.a[1 + g % array_length(s.a, 1)], case r when 0 then 'user' else 'assistant' end,
       case r when 1 then md5(:tag || :ws || 'q' || g)::uuid end,
       case r when 0 then '질문 ' || g else '답변 ' || g end,
       case when r = 0 and g % 10 = 0 then md5('e' || g % 50)::uuid end,
       r = 1 and g % 7 = 0,
       case when r = 0 then null when g % 13 = 0 then -1 when g % 5 = 0 then 1 end,
       case r when 1 then jsonb_build_object('retrieval', 20 + g % 50, 'first_token', 300 + g % 700,
                                             'total', 800 + g % 3000) else '{}'::jsonb end,
       case r when 1 then 500 + g % 1500 else 0 end, case r when 1 then 50 + g % 300 else 0 end,
       case r when 1 then (array['openai', 'extractive', 'refusal'])[1 + g % 3] end,
       case when r = 1 and g % 2 = 0 then '[{"question": "다음 질문", "entry_id": null}]'::jsonb else '[]'::jsonb end,
       case r when 1 then '[{"entry_id": "e", "question": "출처", "category": null, "score": 0.9}]'::jsonb
            else '[]'::jsonb end,
       '질문 ' || g, 'complete',
       now() - (g::float / :n * :days) * interval '1 day' + r * interval '1 second'
from generate_series(1, :n) g, generate_series(0, 1) r, s"""


async def _seed(tag: str) -> tuple:
    async with sessionmaker()() as s:
        busy = Workspace(name=f"bench dashboard {tag}", slug=f"bench-dashboard-{tag}")
        others = [Workspace(name=f"bench other {tag} {i}", slug=f"bench-other-{tag}-{i}") for i in range(OTHERS)]
        s.add_all([busy, *others])
        await s.flush()
        await s.execute(text(_USERS), {"tag": tag})
        await s.execute(text(_SESSIONS), {"ws": busy.id, "tag": tag, "per_user": 5})
        for w in others:
            await s.execute(text(_SESSIONS), {"ws": w.id, "tag": tag, "per_user": 1})
        await s.commit()
    t0 = time.perf_counter()
    for ws_id, n in [(busy.id, BUSY_PAIRS)] + [(w.id, OTHER_PAIRS) for w in others]:
        async with sessionmaker()() as s:
            await s.execute(text(_MESSAGES), {"ws": ws_id, "tag": tag, "n": n, "days": DAYS})
            await s.commit()
    seeded_s = time.perf_counter() - t0
    await read(text("vacuum analyze chat_messages"))  # what autovacuum does on a live server
    await read(text("vacuum analyze chat_sessions"))
    return busy.id, seeded_s


async def _time(fn, runs: int = 5) -> dict:
    t0 = time.perf_counter()
    await fn()
    first = (time.perf_counter() - t0) * 1000
    times = []
    for _ in range(runs):
        t0 = time.perf_counter()
        await fn()
        times.append((time.perf_counter() - t0) * 1000)
    return {"first_ms": round(first, 1), "median_ms": round(statistics.median(times), 1),
            "max_ms": round(max(times), 1)}


async def dashboard_bench() -> dict:
    """Seed a million messages and time the dashboard's statements on them."""
    tag = uuid.uuid4().hex[:8]
    busy, seeded_s = await _seed(tag)
    total = (await read(text("select count(*) from chat_messages"))).scalar_one()
    today = datetime.now(UTC).date()
    month, week = today - timedelta(days=29), today - timedelta(days=6)
    busy_month = (await dashboard.dashboard(ws_id=busy, start=month, end=today)).totals
    out = {"messages": total, "seed_s": round(seeded_s, 1),
           "busy_month_questions": busy_month.questions, "busy_month_answers": busy_month.answers}
    out["busy_workspace_month"] = await _time(lambda: dashboard.dashboard(ws_id=busy, start=month, end=today))
    out["busy_workspace_week"] = await _time(lambda: dashboard.dashboard(ws_id=busy, start=week, end=today))
    out["platform_month"] = await _time(lambda: dashboard.dashboard(ws_id=None, start=month, end=today))
    out["quota_usage_busy"] = await _time(lambda: quotas.usage(ws_id=busy))
    out["review_queue_busy"] = await _time(lambda: review.queue(ws_id=busy, limit=50))
    return out
