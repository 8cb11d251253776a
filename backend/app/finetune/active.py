"""The active adapter of a workspace, as the search applies it (the hook in retrieval/service.py).

Looked up once per TTL_S per workspace and process (an activation in this process is seen at once; in another
replica within TTL_S).
"""

import time
import uuid
from dataclasses import dataclass

import numpy as np
from sqlalchemy import select

from app.core.db import read
from app.finetune import adapter as ad
from app.finetune import calibration
from app.finetune.models import RetrievalAdapter
from app.retrieval.ontopic import Calibration

TTL_S = 10.0


@dataclass(frozen=True)
class Active:
    adapter_id: uuid.UUID | None
    provider: str
    model: str
    params: ad.Params | None


_cache: dict[uuid.UUID, tuple[float, Active | None]] = {}


async def active(ws_id: uuid.UUID) -> Active | None:
    """The workspace's active adapter, or None."""
    hit = _cache.get(ws_id)
    if hit and hit[0] > time.monotonic():
        return hit[1]
    row = (await read(select(RetrievalAdapter.id, RetrievalAdapter.base_provider, RetrievalAdapter.base_model,
                             RetrievalAdapter.weights)
                      .where(RetrievalAdapter.workspace_id == ws_id, RetrievalAdapter.active))).first()
    value = Active(row[0], row[1], row[2], ad.Params.from_bytes(row[3])) if row else None
    _cache[ws_id] = (time.monotonic() + TTL_S, value)
    return value


def forget(ws_id: uuid.UUID | None = None) -> None:
    """Drop the cached lookups (after an activation or a rollback)."""
    if ws_id is None:
        _cache.clear()
    else:
        _cache.pop(ws_id, None)


async def query_vector(ws_id: uuid.UUID, provider: str, model: str, qvec) -> tuple[np.ndarray, Calibration, str]:
    """The query vector the search uses (mapped by the workspace's active adapter of this model, if any), the
    on-topic calibration of that model version, and the version's name."""
    act = await active(ws_id)
    if act is not None and act.params is not None and (act.provider, act.model) == (provider, model):
        version = calibration.model_version(provider, model, act.adapter_id)
        return ad.apply(act.params, np.asarray(qvec, dtype=np.float32)), await calibration.get(version), version
    version = calibration.model_version(provider, model)
    return np.asarray(qvec), await calibration.get(version), version
