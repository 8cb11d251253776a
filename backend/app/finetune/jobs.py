"""Fine-tuning jobs (arq, through app.jobs.runner): a local retrieval adapter, and a chat model through an
OpenAI-compatible fine-tuning API (openai_ft.py).

The adapter job is a chain of resumable steps, its place kept in the job's payload (`stage`) and its work in
finetune_checkpoints: embed the pseudo-queries (a batch at a time, saved each step), train (an epoch at a time:
the weights, the optimiser and the best weights so far saved after each), then evaluate, re-calibrate and register
the adapter. A worker killed mid-training resumes from the last finished epoch; a step delivered twice is run once
(the runner's claim), and the adapter of a job is registered once (unique job_id).
"""

import io
import time
import uuid

import numpy as np
from sqlalchemy import exists, func, select, update
from sqlalchemy.dialects.postgresql import insert

from app.core.db import sessionmaker
from app.finetune import adapter as ad
from app.finetune import calibration, data
from app.finetune.models import FinetuneCheckpoint, FinetuneEvent, FinetuneMetric, RetrievalAdapter
from app.jobs.registry import MORE, register
from app.jobs.runner import Step
from app.llm.registry import get_embedding_model
from app.models import Job
from app.retrieval.ontopic import DEFAULT_CALIBRATION

ADAPTER_KIND = "finetune_adapter"
EMBED_BATCH = 64
DEFAULTS = {"rank": 16, "epochs": 10, "lr": 0.001, "tau": 0.05, "decay": 0.001, "batch": 128, "holdout_pct": 20,
            "sentences_per_entry": 1, "patience": 3, "min_gain": 0.005, "activate": "never", "seed": 0}


class DataError(Exception):
    """The workspace has too little to train on (fails the job at once)."""


async def log(job: Job, message: str, level: str = "info", **extra) -> None:
    """A line of the job's live log."""
    async with sessionmaker()() as s:
        s.add(FinetuneEvent(job_id=job.id, workspace_id=job.workspace_id, level=level, message=message, data=extra))
        await s.commit()


def _held(step: Step):
    """Writes of this step count only while it holds the job's lease (a delivery taken for dead writes nothing)."""
    return exists().where(Job.id == step.job.id, Job.runner == step.runner)


def _npz(**arrays) -> bytes:
    out = io.BytesIO()
    np.savez(out, **arrays)
    return out.getvalue()


async def _checkpoint(step: Step) -> FinetuneCheckpoint | None:
    async with sessionmaker()() as s:
        return await s.get(FinetuneCheckpoint, step.job.id)


async def _write_checkpoint(step: Step, metric: dict | None = None, **values) -> None:
    job = step.job
    async with sessionmaker()() as s:
        if await s.get(FinetuneCheckpoint, job.id) is None:
            await s.execute(insert(FinetuneCheckpoint).values(job_id=job.id, workspace_id=job.workspace_id)
                            .on_conflict_do_nothing())
        await s.execute(update(FinetuneCheckpoint).where(FinetuneCheckpoint.job_id == job.id, _held(step))
                        .values(updated_at=func.now(), **values).execution_options(synchronize_session=False))
        if metric is not None:
            values = {k: metric.get(k) for k in ("train_loss", "val_loss", "hit_at_1", "mrr")}
            await s.execute(insert(FinetuneMetric).values(job_id=job.id, workspace_id=job.workspace_id,
                                                          step=metric["step"], **values)
                            .on_conflict_do_update(constraint="uq_finetune_metric_step", set_=values))
        await s.commit()


def options(payload: dict) -> dict:
    """The job's hyper-parameters: the payload's over the defaults."""
    return DEFAULTS | {k: v for k, v in (payload.get("params") or {}).items() if k in DEFAULTS}


@register(ADAPTER_KIND, fatal=(DataError,), timeout_s=900)
async def train_adapter(step: Step):
    """One step of an adapter job: embedding, training or evaluating, by the stage the payload records."""
    stage = step.state.get("stage") or "embedding"
    if stage == "embedding":
        return await _embed(step)
    if stage == "training":
        return await _train(step)
    return await _evaluate(step)


async def _embed(step: Step):
    job, opts = step.job, options(step.state)
    embedder = get_embedding_model(step.state["provider"], step.state["model"])
    async with sessionmaker()() as s:
        queries = await data.pseudo_queries(s, job.workspace_id, holdout_pct=opts["holdout_pct"],
                                            sentences_per_entry=opts["sentences_per_entry"])
    if sum(q.split == "train" for q in queries) < 20 or not any(q.split == "val" for q in queries) \
            or not any(q.split == "test" for q in queries):
        raise DataError(f"Too little to train on: {len(queries)} pseudo-queries; at least 20 for training and a "
                        f"few held out are needed (more entries, or a larger holdout_pct).")
    texts = [q.text for q in queries] + calibration.offtopic_questions()
    ck = await _checkpoint(step)
    done = np.load(io.BytesIO(ck.dataset))["vectors"] if ck is not None and ck.dataset else np.zeros((0, embedder.dim))
    if not len(done):
        await log(job, f"Embedding {len(queries)} pseudo-queries of the workspace's entries.",
                  pseudo_queries=len(queries), entries=len({q.entry_id for q in queries}))
    parts = [done.astype(np.float32)]
    n = len(done)
    while n < len(texts):
        batch = np.asarray(await embedder.embed_batch(texts[n:n + EMBED_BATCH], kind="query"), dtype=np.float32)
        parts.append(batch)
        n += len(batch)
        await step.progress(n, len(texts), stage="embedding")
        if step.out_of_time():
            break
    await _write_checkpoint(step, dataset=_npz(vectors=np.concatenate(parts)))
    if n < len(texts):
        return MORE
    await log(job, "Training set embedded.", vectors=n)
    await step.save(stage="training")
    return MORE


class _Data:
    """The embedded training set with its split, and the chunk corpora to score against."""

    def __init__(self, queries: list[data.PseudoQuery], vectors: np.ndarray, chunks: data.Chunks):
        entry_col: dict[uuid.UUID, int] = {}
        for e in chunks.entry_ids:
            entry_col.setdefault(e, len(entry_col))
        chunk_row = {c: i for i, c in enumerate(chunks.ids)}
        keep = [i for i, q in enumerate(queries) if q.entry_id in entry_col]
        self.queries = [queries[i] for i in keep]
        self.q = vectors[keep]
        self.offtopic = vectors[len(queries):]
        self.entry = np.array([entry_col[q.entry_id] for q in self.queries])
        self.own = np.array([chunk_row.get(q.own_chunk, -1) for q in self.queries])
        self.split = np.array([q.split for q in self.queries])
        vec = np.asarray(chunks.vectors, dtype=np.float32)
        chunk_entry = np.array([entry_col[e] for e in chunks.entry_ids])
        self.full = ad.Corpus(vec, chunk_entry)
        held_entries = set(self.entry[self.split != "train"].tolist())
        train_chunks = np.array([e not in held_entries for e in chunk_entry])
        self.train = ad.Corpus(vec[train_chunks], chunk_entry[train_chunks])
        remap = -np.ones(len(vec), dtype=np.int64)
        remap[np.flatnonzero(train_chunks)] = np.arange(int(train_chunks.sum()))
        col = {int(e): j for j, e in enumerate(self.train.entries)}
        t = self.split == "train"
        self.tq, self.tt = self.q[t], np.array([col[int(e)] for e in self.entry[t]])
        self.to = np.where(self.own[t] >= 0, remap[np.maximum(self.own[t], 0)], -1)

    def part(self, name: str):
        sel = self.split == name
        return self.q[sel], self.entry[sel], self.own[sel]


async def _load(step: Step) -> tuple[_Data, FinetuneCheckpoint]:
    job, opts = step.job, options(step.state)
    embedder = get_embedding_model(step.state["provider"], step.state["model"])
    async with sessionmaker()() as s:
        queries = await data.pseudo_queries(s, job.workspace_id, holdout_pct=opts["holdout_pct"],
                                            sentences_per_entry=opts["sentences_per_entry"])
        chunks = await data.load_chunks(s, job.workspace_id, embedder.name, embedder.dim)
    ck = await _checkpoint(step)
    vectors = np.load(io.BytesIO(ck.dataset))["vectors"]
    if len(vectors) != len(queries) + len(calibration.offtopic_questions()):
        # The knowledge changed under the job: embed again rather than train on a shifted set.
        await step.save(stage="embedding")
        await _write_checkpoint(step, dataset=None, epoch=0, params=None, optimizer=None, best=None, best_epoch=0,
                                best_mrr=0.0)
        raise RuntimeError("The workspace's knowledge changed during the job; its training set is embedded again.")
    return _Data(queries, vectors, chunks), ck


async def _train(step: Step):
    job, opts = step.job, options(step.state)
    d, ck = await _load(step)
    dim = d.q.shape[1]
    if ck.params is not None:
        params, opt = ad.Params.from_bytes(ck.params), ad.Adam.from_bytes(ck.optimizer, lr=opts["lr"])
        epoch, best_epoch, best_mrr = ck.epoch, ck.best_epoch, ck.best_mrr
        await log(job, f"Resuming from the checkpoint after epoch {epoch}.", epoch=epoch)
    else:
        params, opt = ad.Params.init(dim, int(opts["rank"]), seed=int(opts["seed"])), ad.Adam(lr=opts["lr"])
        vq, ve, vo = d.part("val")
        base = ad.rank_metrics(d.full, vq, ve, vo)
        epoch, best_epoch, best_mrr = 0, 0, base["mrr"]
        await log(job, f"Training on {len(d.tq)} pseudo-queries of {len(d.train.starts)} entries; "
                       f"{int((d.split != 'train').sum())} of the held-out entries are never trained on.",
                  train=len(d.tq), val_mrr_before=base["mrr"])
        await _write_checkpoint(step, params=params.to_bytes(), optimizer=opt.to_bytes(), best=params.to_bytes(),
                                epoch=0, best_epoch=0, best_mrr=best_mrr,
                                metric={"step": 0, "val_loss": ad.mean_loss(params, d.full, vq, ve, vo,
                                                                            tau=opts["tau"]),
                                        "hit_at_1": base["hit_at_1"], "mrr": base["mrr"]})
    vq, ve, vo = d.part("val")
    while epoch < opts["epochs"] and epoch - best_epoch < opts["patience"]:
        t0 = time.perf_counter()
        loss = ad.train_epoch(params, opt, d.train, d.tq, d.tt, d.to, tau=opts["tau"], decay=opts["decay"],
                              batch=int(opts["batch"]), seed=int(opts["seed"]) * 1000 + epoch)
        epoch += 1
        scores = ad.rank_metrics(d.full, ad.apply(params, vq), ve, vo)
        val_loss = _val_loss(params, d, opts)
        better = scores["mrr"] > best_mrr
        if better:
            best_epoch, best_mrr = epoch, scores["mrr"]
        await _write_checkpoint(step, params=params.to_bytes(), optimizer=opt.to_bytes(), epoch=epoch,
                                best_epoch=best_epoch, best_mrr=best_mrr,
                                **({"best": params.to_bytes()} if better else {}),
                                metric={"step": epoch, "train_loss": round(loss, 5), "val_loss": round(val_loss, 5),
                                        "hit_at_1": scores["hit_at_1"], "mrr": scores["mrr"]})
        await log(job, f"Epoch {epoch}: loss {loss:.4f}, held-out loss {val_loss:.4f}, MRR {scores['mrr']:.4f}"
                       f" ({time.perf_counter() - t0:.1f} s)", epoch=epoch)
        await step.progress(epoch, int(opts["epochs"]), stage="training")
        if step.out_of_time():
            return MORE
    if epoch - best_epoch >= opts["patience"]:
        await log(job, f"Early stop: no better held-out MRR since epoch {best_epoch}.")
    await step.save(stage="evaluating")
    return MORE


def _val_loss(params: ad.Params, d: _Data, opts: dict) -> float:
    """InfoNCE of the validation pseudo-queries over every entry (the adapter applied inside)."""
    vq, ve, vo = d.part("val")
    return ad.mean_loss(params, d.full, vq, ve, vo, tau=opts["tau"])


async def _evaluate(step: Step):
    job, opts = step.job, options(step.state)
    d, ck = await _load(step)
    best = ad.Params.from_bytes(ck.best)
    tq, te, to = d.part("test")
    before, after = ad.rank_metrics(d.full, tq, te, to), ad.rank_metrics(d.full, ad.apply(best, tq), te, to)
    gain = round(after["mrr"] - before["mrr"], 4)
    improved = gain >= opts["min_gain"]
    # Calibration queries: the held-out pseudo-queries (on topic) and the fixed off-topic list, scored as the
    # search does (the best chunk, nothing masked).
    cal_q = np.concatenate([d.q[d.split != "train"], d.offtopic])
    plain_top = ad.entry_scores(d.full, cal_q)[0].max(axis=1)
    adapted_top = ad.entry_scores(d.full, ad.apply(best, cal_q))[0].max(axis=1)
    provider, model = step.state["provider"], step.state["model"]
    base = await calibration.get(calibration.model_version(provider, model))
    fitted, fit = calibration.refit(base or DEFAULT_CALIBRATION, plain_top, adapted_top)
    report = {"split": {"train_queries": int(len(d.tq)), "test_queries": int(len(tq)),
                        "test_entries": int(len(set(te.tolist()))), "holdout_pct": opts["holdout_pct"]},
              "before": before, "after": after, "mrr_gain": gain, "improved": improved,
              "best_epoch": ck.best_epoch, "epochs_run": ck.epoch, "calibration": fit,
              "seconds": round(time.time() - step.state.get("t0", time.time()), 1)}
    adapter_id = await _register(step, best, report, fitted, fit, activate=improved and opts["activate"] == "if_better")
    verdict = "better" if improved else "not better"
    await log(job, f"Held-out MRR {before['mrr']:.4f} -> {after['mrr']:.4f} ({verdict}); "
                   + ("activated." if improved and opts["activate"] == "if_better" else "left inactive."))
    return {"adapter_id": str(adapter_id), **report}


async def _register(step: Step, params: ad.Params, report: dict, fitted, fit: dict, *, activate: bool) -> uuid.UUID:
    """The adapter as a new version of the workspace (once per job), with its calibration; active if asked."""
    from app.admin.audit import record
    from app.finetune import active, service

    job = step.job
    async with sessionmaker()() as s:
        existing = await s.scalar(select(RetrievalAdapter).where(RetrievalAdapter.job_id == job.id))
        if existing is not None:
            return existing.id
        version = (await s.scalar(select(func.max(RetrievalAdapter.version))
                                  .where(RetrievalAdapter.workspace_id == job.workspace_id)) or 0) + 1
        row = RetrievalAdapter(workspace_id=job.workspace_id, version=version, base_provider=step.state["provider"],
                               base_model=step.state["model"], rank=params.a.shape[1], weights=params.to_bytes(),
                               report=report | {"auto_activated": activate}, job_id=job.id)
        s.add(row)
        await s.flush()
        await calibration.save(s, calibration.model_version(row.base_provider, row.base_model, row.id), fitted,
                               {"fit": fit, "job_id": str(job.id)})
        if activate:
            await service.set_active(s, job.workspace_id, row.id)
            record(s, actor_id=job.created_by, action="finetune.adapter.activate", workspace_id=job.workspace_id,
                   target_type="retrieval_adapter", target_id=str(row.id),
                   detail={"version": version, "automatic": True, "mrr_gain": report["mrr_gain"]})
        await s.commit()
    service.register_in_catalogue(row)
    active.forget(job.workspace_id)
    return row.id
