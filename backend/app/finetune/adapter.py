"""The retrieval adapter, a pure numpy core: a low-rank residual map over the question model's query vectors.

    f(q) = normalise(q + (q A) B)        A: d x r, B: r x d; B starts at zero, so f starts as the identity

trained with an in-batch-free InfoNCE: each pseudo-query is scored against every chunk of the training entries
(the passage vectors already stored), an entry scores its best chunk (as the search does), and the softmax over
entries is pushed towards the pseudo-query's own entry. The chunk a pseudo-query was cut from is masked out, so a
question must find its entry through the answer and an answer sentence through the question or the other pieces.
Gradients are written out by hand; Adam updates A and B, with weight decay pulling the map towards the identity.
Only the query side moves: the stored passage vectors and their HNSW index stay as they are.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Params:
    a: np.ndarray  # d x r
    b: np.ndarray  # r x d

    @classmethod
    def init(cls, dim: int, rank: int, seed: int = 0) -> Params:
        rng = np.random.default_rng(seed)
        return cls(a=(rng.standard_normal((dim, rank)) / np.sqrt(dim)).astype(np.float32),
                   b=np.zeros((rank, dim), dtype=np.float32))

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        np.savez(out, a=self.a, b=self.b)
        return out.getvalue()

    @classmethod
    def from_bytes(cls, raw: bytes) -> Params:
        z = np.load(io.BytesIO(raw))
        return cls(a=z["a"].astype(np.float32), b=z["b"].astype(np.float32))


def apply(params: Params, q: np.ndarray) -> np.ndarray:
    """Map query vectors (n x d, or one vector) and normalise them again."""
    one = q.ndim == 1
    x = np.atleast_2d(np.asarray(q, dtype=np.float32))
    z = x + (x @ params.a) @ params.b
    z /= np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)
    return z[0] if one else z


@dataclass
class Corpus:
    """The chunks queries are scored against, grouped by entry (chunks of one entry are contiguous)."""

    vectors: np.ndarray  # n_chunks x d, L2-normalised passage vectors
    entry_of: np.ndarray  # n_chunks: the entry index of each chunk, non-decreasing
    starts: np.ndarray = field(init=False)  # first chunk of each entry

    def __post_init__(self):
        if len(self.entry_of) and np.any(np.diff(self.entry_of) < 0):
            raise ValueError("chunks must be grouped by entry")
        self.starts = np.flatnonzero(np.r_[True, np.diff(self.entry_of) != 0])

    @property
    def entries(self) -> np.ndarray:
        return self.entry_of[self.starts]


def entry_scores(corpus: Corpus, z: np.ndarray, own: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Best chunk cosine per entry (batch x n_entries) and the chunk index giving it; each query's own chunk
    (`own`, -1 for none) never wins."""
    sims = z @ corpus.vectors.T
    if own is not None:
        rows = np.flatnonzero(own >= 0)
        sims[rows, own[rows]] = -4.0
    best = np.maximum.reduceat(sims, corpus.starts, axis=1)
    # the chunk that gives each entry its score (the first one on ties)
    hit = sims == np.repeat(best, np.diff(np.r_[corpus.starts, sims.shape[1]]), axis=1)
    idx = np.empty_like(best, dtype=np.int64)
    for j, s in enumerate(corpus.starts):  # per entry: few chunks each, cheap
        e = corpus.starts[j + 1] if j + 1 < len(corpus.starts) else sims.shape[1]
        idx[:, j] = s + hit[:, s:e].argmax(axis=1)
    return best, idx


def loss_and_grads(params: Params, corpus: Corpus, q: np.ndarray, target: np.ndarray, own: np.ndarray | None,
                   tau: float, decay: float) -> tuple[float, Params]:
    """InfoNCE over every entry of `corpus` for a batch of query vectors; `target` holds entry columns."""
    h = q @ params.a
    z = q + h @ params.b
    norm = np.maximum(np.linalg.norm(z, axis=1, keepdims=True), 1e-9)
    zn = z / norm
    best, idx = entry_scores(corpus, zn, own)
    logits = best / tau
    logits -= logits.max(axis=1, keepdims=True)
    p = np.exp(logits)
    p /= p.sum(axis=1, keepdims=True)
    n = len(q)
    rows = np.arange(n)
    loss = float(-np.log(np.maximum(p[rows, target], 1e-12)).mean())
    g_entry = p.copy()
    g_entry[rows, target] -= 1.0
    g_entry /= n * tau
    # each entry's gradient reaches the chunk that scored it
    g_zn = _scatter(g_entry, idx, corpus.vectors)
    g_z = (g_zn - zn * (zn * g_zn).sum(axis=1, keepdims=True)) / norm
    g_b = h.T @ g_z + decay * params.b
    g_a = q.T @ (g_z @ params.b.T) + decay * params.a
    loss += 0.5 * decay * float((params.a ** 2).sum() + (params.b ** 2).sum())
    return loss, Params(a=g_a.astype(np.float32), b=g_b.astype(np.float32))


def _scatter(g_entry: np.ndarray, idx: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    g_chunks = np.zeros((len(g_entry), len(vectors)), dtype=np.float32)
    np.put_along_axis(g_chunks, idx, g_entry, axis=1)
    return g_chunks @ vectors


@dataclass
class Adam:
    lr: float = 2e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    t: int = 0
    m: Params | None = None
    v: Params | None = None

    def step(self, params: Params, grads: Params) -> None:
        if self.m is None:
            self.m = Params(np.zeros_like(params.a), np.zeros_like(params.b))
            self.v = Params(np.zeros_like(params.a), np.zeros_like(params.b))
        self.t += 1
        for name in ("a", "b"):
            g, m, v = getattr(grads, name), getattr(self.m, name), getattr(self.v, name)
            m *= self.beta1
            m += (1 - self.beta1) * g
            v *= self.beta2
            v += (1 - self.beta2) * g * g
            mh = m / (1 - self.beta1 ** self.t)
            vh = v / (1 - self.beta2 ** self.t)
            getattr(params, name)[...] -= (self.lr * mh / (np.sqrt(vh) + self.eps)).astype(np.float32)

    def to_bytes(self) -> bytes:
        out = io.BytesIO()
        zero = np.zeros(0, dtype=np.float32)
        np.savez(out, t=np.array(self.t), ma=self.m.a if self.m else zero, mb=self.m.b if self.m else zero,
                 va=self.v.a if self.v else zero, vb=self.v.b if self.v else zero)
        return out.getvalue()

    @classmethod
    def from_bytes(cls, raw: bytes, lr: float) -> Adam:
        z = np.load(io.BytesIO(raw))
        opt = cls(lr=lr, t=int(z["t"]))
        if z["ma"].size:
            opt.m, opt.v = Params(z["ma"], z["mb"]), Params(z["va"], z["vb"])
        return opt


def rank_metrics(corpus: Corpus, z: np.ndarray, target_entries: np.ndarray, own: np.ndarray | None = None,
                 batch: int = 256) -> dict[str, float]:
    """hit@1, hit@5 and MRR (over the first 5, as `make eval` scores) of queries `z` for their entries."""
    col = {int(e): j for j, e in enumerate(corpus.entries)}
    hit1 = hit5 = rr = 0.0
    for a in range(0, len(z), batch):
        best, _ = entry_scores(corpus, z[a:a + batch], None if own is None else own[a:a + batch])
        tgt = np.array([col[int(e)] for e in target_entries[a:a + batch]])
        mine = best[np.arange(len(tgt)), tgt][:, None]
        rank = (best > mine).sum(axis=1)
        hit1 += float((rank == 0).sum())
        hit5 += float((rank < 5).sum())
        rr += float(np.where(rank < 5, 1.0 / (rank + 1), 0.0).sum())
    n = max(len(z), 1)
    return {"hit_at_1": round(hit1 / n, 4), "hit_at_5": round(hit5 / n, 4), "mrr": round(rr / n, 4), "n": len(z)}


def train_epoch(params: Params, opt: Adam, corpus: Corpus, q: np.ndarray, target: np.ndarray,
                own: np.ndarray | None, *, tau: float, decay: float, batch: int, seed: int) -> float:
    """One pass over the pseudo-queries in a shuffled order; returns the mean training loss."""
    order = np.random.default_rng(seed).permutation(len(q))
    total = 0.0
    for a in range(0, len(order), batch):
        sel = order[a:a + batch]
        loss, grads = loss_and_grads(params, corpus, q[sel], target[sel], None if own is None else own[sel],
                                     tau, decay)
        opt.step(params, grads)
        total += loss * len(sel)
    return total / max(len(q), 1)


def mean_loss(params: Params, corpus: Corpus, q: np.ndarray, target: np.ndarray, own: np.ndarray | None,
              *, tau: float, batch: int = 256) -> float:
    """The InfoNCE loss without an update (validation)."""
    total = 0.0
    for a in range(0, len(q), batch):
        o = None if own is None else own[a:a + batch]
        loss, _ = loss_and_grads(params, corpus, q[a:a + batch], target[a:a + batch], o, tau, 0.0)
        total += loss * len(q[a:a + batch])
    return total / max(len(q), 1)
