"""The usage and quality dashboard: one workspace or the whole platform over a period of whole UTC days.

Two statements, one scan each over the period's rows (the (workspace_id, role, created_at) index finds them):
the answers grouped by day, by model, by prompt version and overall, and the questions grouped by day and overall
(GROUPING SETS: active users are distinct over the whole period, not a sum of days). Postgres aggregates;
Python only fills the days without traffic.
"""

import uuid
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import text

from app.admin.schemas import DashboardRead
from app.core.db import read, sessionmaker
from app.core.errors import AppError

MAX_DAYS = 366

# The period's answers are read once into narrow rows (latency pulled out of its JSON once); the percentiles,
# which need a sort, are computed per day and overall only, the counts per model and per version by hashing.
_ANSWERS = """
with a as materialized (
  select (m.created_at at time zone 'UTC')::date as day, coalesce(m.provider, '') as model,
         m.prompt_version_id as version, m.refused, m.feedback, m.followups <> '[]'::jsonb as offered,
         m.prompt_tokens, m.completion_tokens, (m.latency_ms->>'retrieval')::float as ret,
         (m.latency_ms->>'first_token')::float as first, (m.latency_ms->>'total')::float as total
  from chat_messages m
  where m.role = 'assistant' and m.created_at >= :start and m.created_at < :end {ws}
)
select 'day' as g, day, null as model, null::uuid as prompt_version_id, {counts},
       null::float8[] as retrieval, null::float8[] as first_token,
       percentile_cont(array[0.5, 0.95]) within group (order by total) as total
from a group by day
union all
select 'all', null, null, null, {counts},
       percentile_cont(array[0.5, 0.95]) within group (order by ret),
       percentile_cont(array[0.5, 0.95]) within group (order by first),
       percentile_cont(array[0.5, 0.95]) within group (order by total)
from a
union all
select 'model', null, model, null, {counts}, null, null, null from a group by model
union all
select 'version', null, null, version, {counts}, null, null, null from a group by version
""".replace("{counts}", """count(*) as answers, count(*) filter (where refused) as refusals,
       count(*) filter (where feedback = 1) as feedback_up, count(*) filter (where feedback = -1) as feedback_down,
       count(*) filter (where offered) as followups_offered, coalesce(sum(prompt_tokens), 0) as prompt_tokens,
       coalesce(sum(completion_tokens), 0) as completion_tokens""")

_QUESTIONS = """
select grouping((q.created_at at time zone 'UTC')::date) as g_day, (q.created_at at time zone 'UTC')::date as day,
       count(*) as questions, count(distinct s.user_id) as active_users,
       count(*) filter (where q.followup_entry_id is not null) as followup_clicks
from chat_messages q join chat_sessions s on s.id = q.session_id
where q.role = 'user' and q.created_at >= :start and q.created_at < :end {ws}
group by grouping sets (((q.created_at at time zone 'UTC')::date), ())
"""

_PRICES = "select model, input_usd_per_mtok, output_usd_per_mtok from model_prices"
_VERSIONS = ("select v.id, p.key, v.version from prompt_versions v join prompts p on p.id = v.prompt_id "
             "where v.id = any(:ids)")


def period(start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for (inclusive days), by default the last 30 days up to today (UTC)."""
    end = end or datetime.now(UTC).date()
    start = start or end - timedelta(days=29)
    if start > end:
        raise AppError("start must not be after end.", code="bad_period")
    if (end - start).days + 1 > MAX_DAYS:
        raise AppError(f"A period spans at most {MAX_DAYS} days.", code="bad_period")
    return start, end


def _pcts(values) -> dict:
    return {"p50": values[0], "p95": values[1]} if values else {"p50": None, "p95": None}


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


async def dashboard(*, ws_id: uuid.UUID | None, start: date, end: date) -> DashboardRead:
    """The dashboard of one workspace (ws_id) or of every workspace (None) from `start` to `end` inclusive."""
    params = {"start": datetime.combine(start, time(), UTC), "end": datetime.combine(end + timedelta(days=1), time(), UTC)}
    if ws_id is not None:
        params["ws"] = ws_id
    async with sessionmaker()() as s:
        # The period's narrow rows and their sorts fit in memory (a busy month is ~10 MB; the default 4 MB spills).
        await s.execute(text("set local work_mem = '64MB'"))
        answers = (await s.execute(text(_ANSWERS.format(ws="and m.workspace_id = :ws" if ws_id else "")),
                                   params)).mappings().all()
        questions = (await s.execute(text(_QUESTIONS.format(ws="and q.workspace_id = :ws" if ws_id else "")),
                                     params)).mappings().all()
    prices = {r.model: r for r in (await read(text(_PRICES))).all()}

    by_day = {r["day"]: r for r in answers if r["g"] == "day"}
    q_by_day = {r["day"]: r for r in questions if not r["g_day"]}
    overall = next((r for r in answers if r["g"] == "all"), None)
    q_overall = next((r for r in questions if r["g_day"]), None)

    def cost(model: str, prompt: int, completion: int) -> float | None:
        price = prices.get(model)
        if price is None:
            return None
        return round(float(price.input_usd_per_mtok) * prompt / 1e6 + float(price.output_usd_per_mtok) * completion / 1e6, 6)

    days = []
    for i in range((end - start).days + 1):
        d = start + timedelta(days=i)
        a, q = by_day.get(d), q_by_day.get(d)
        days.append({"day": d, "questions": q["questions"] if q else 0, "active_users": q["active_users"] if q else 0,
                     "followup_clicks": q["followup_clicks"] if q else 0, "answers": a["answers"] if a else 0,
                     "refusals": a["refusals"] if a else 0, "feedback_up": a["feedback_up"] if a else 0,
                     "feedback_down": a["feedback_down"] if a else 0,
                     "prompt_tokens": a["prompt_tokens"] if a else 0,
                     "completion_tokens": a["completion_tokens"] if a else 0,
                     "latency_total": _pcts(a["total"] if a else None)})
    models = [{"model": r["model"] or "unknown", "answers": r["answers"], "prompt_tokens": r["prompt_tokens"],
               "completion_tokens": r["completion_tokens"],
               "cost_usd": cost(r["model"], r["prompt_tokens"], r["completion_tokens"])}
              for r in answers if r["g"] == "model"]
    models.sort(key=lambda m: (-m["answers"], m["model"]))
    version_rows = [r for r in answers if r["g"] == "version"]
    ids = [r["prompt_version_id"] for r in version_rows if r["prompt_version_id"] is not None]
    names = {r.id: (r.key, r.version) for r in (await read(text(_VERSIONS), {"ids": ids})).all()} if ids else {}
    versions = [{"prompt_version_id": r["prompt_version_id"],
                 "prompt_key": names.get(r["prompt_version_id"], (None, None))[0],
                 "version": names.get(r["prompt_version_id"], (None, None))[1],
                 "answers": r["answers"], "refusals": r["refusals"], "refusal_rate": _rate(r["refusals"], r["answers"]),
                 "feedback_up": r["feedback_up"], "feedback_down": r["feedback_down"]} for r in version_rows]
    versions.sort(key=lambda v: (-v["answers"], str(v["prompt_version_id"])))

    n = overall["answers"] if overall else 0
    clicks = q_overall["followup_clicks"] if q_overall else 0
    offered = overall["followups_offered"] if overall else 0
    totals = {
        "questions": q_overall["questions"] if q_overall else 0,
        "active_users": q_overall["active_users"] if q_overall else 0,
        "answers": n, "refusals": overall["refusals"] if overall else 0,
        "refusal_rate": _rate(overall["refusals"], n) if overall else None,
        "followups_offered": offered, "followup_clicks": clicks, "followup_click_rate": _rate(clicks, offered),
        "feedback_up": overall["feedback_up"] if overall else 0,
        "feedback_down": overall["feedback_down"] if overall else 0,
        "prompt_tokens": overall["prompt_tokens"] if overall else 0,
        "completion_tokens": overall["completion_tokens"] if overall else 0,
        "cost_usd": round(sum(m["cost_usd"] or 0 for m in models), 6),
    }
    latency = {k: _pcts(overall[k] if overall else None) for k in ("retrieval", "first_token", "total")}
    return DashboardRead(workspace_id=ws_id, start=start, end=end, totals=totals, latency=latency, days=days,
                         models=models, prompt_versions=versions)
