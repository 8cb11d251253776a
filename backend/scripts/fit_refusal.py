"""Fit the refusal model of `retrieval/ontopic.py` on question sets, on the workspace `make eval REUSE=1` imported:
dump the signals per single and off-topic question, fit a logistic regression (numpy), report each set
tested by a fit on the others, and print the weights and the rates at a few thresholds.

    .venv/bin/python infra/scripts/stack.py exec --persistent .venv/bin/python backend/scripts/fit_refusal.py \
        eval/dev.jsonl eval/holdout.jsonl eval/holdout2.jsonl
"""

import asyncio
import json
import os
import sys
from pathlib import Path

import numpy as np

from app.core.db import dispose_engine, sessionmaker
from app.eval.run import setup_workspace
from app.retrieval import service as retrieval
from app.workspaces import service as workspaces


async def signals(paths: list[str]) -> list[dict]:
    ws_id, _, _, _ = await setup_workspace(Path("../shared/data/smartstore/final_result.pkl"), reuse=True)
    rows = []
    async with sessionmaker()() as s:
        settings = (await workspaces.load_settings(session=s, ws_id=ws_id)).retrieval
        for group, path in enumerate(paths):
            for line in Path(path).read_text(encoding="utf-8").splitlines():
                q = json.loads(line) if line.strip() else None
                if not q or q["kind"] == "multiturn":
                    continue
                r = await retrieval.search(ws_id=ws_id, query=q["question"], settings=settings)
                rows.append({"group": group, "off": q["kind"] == "offtopic", "x": [
                    r.dense_top or 0.0, r.usem_top or 0.0, r.unknown_share or 0.0, float(r.unknown_names > 0),
                    1.0 - r.subject if r.subject is not None else 0.0]})
    return rows


def fit(x: np.ndarray, y: np.ndarray, l2: float = 1e-2, steps: int = 4000) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression by gradient descent on standardised inputs; raw-scale weights out."""
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.c_[(x - mu) / sd, np.ones(len(x))]
    w = np.zeros(z.shape[1])
    for _ in range(steps):
        p = 1 / (1 + np.exp(-z @ w))
        w -= 0.5 * (z.T @ (p - y) / len(y) + l2 * np.r_[w[:-1], 0])
    raw = w[:-1] / sd
    return raw, float(w[-1] - (w[:-1] * mu / sd).sum())


def prob(x: np.ndarray, w: np.ndarray, b: float) -> np.ndarray:
    return 1 / (1 + np.exp(-(x @ w + b)))


def main(paths: list[str]) -> None:
    rows = asyncio.run(_collect(paths))
    x = np.array([r["x"] for r in rows])
    if os.environ.get("FEATURES"):  # e.g. FEATURES=0,1,2 fits without the unknown-name feature
        x = x[:, [int(i) for i in os.environ["FEATURES"].split(",")]]
    y = np.array([r["off"] for r in rows], float)
    g = np.array([r["group"] for r in rows])
    for held in sorted(set(g)):
        w, b = fit(x[g != held], y[g != held])
        train = prob(x[g != held], w, b)
        threshold = np.percentile(train[y[g != held] == 0], 97)  # ~3% false refusals where fitted
        refused, truth = prob(x[g == held], w, b) >= threshold, y[g == held]
        print(f"{paths[held]}: refused {refused[truth == 1].mean():.3f}, false refusals {refused[truth == 0].mean():.3f}")
    w, b = fit(x, y)
    print("BIAS, W_DENSE, W_USEM, W_UNKNOWN, W_NAME, W_ELSEWHERE =", round(b, 2), *np.round(w, 2))
    p = prob(x, w, b)
    for threshold in (0.2, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65):
        refused = p >= threshold
        print(f"P >= {threshold}: refused {refused[y == 1].mean():.3f}, false refusals {refused[y == 0].mean():.3f}")


async def _collect(paths: list[str]) -> list[dict]:
    try:
        return await signals(paths)
    finally:
        await dispose_engine()


if __name__ == "__main__":
    main(sys.argv[1:] or ["eval/dev.jsonl", "eval/holdout.jsonl", "eval/holdout2.jsonl"])
