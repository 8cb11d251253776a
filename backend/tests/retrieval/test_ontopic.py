import math

import pytest

from app.retrieval.ontopic import (
    CALIBRATION_PIECES,
    MAX_SHIFT,
    P_REFUSE,
    UNKNOWN_FLOOR,
    USEM_ONLY,
    OnTopicSignals,
    decide,
    p_offtopic,
    size_shift,
    unknown_weight,
)


def _dense_at(p: float, usem: float, unknown: float = 0.0, n_pieces: int = CALIBRATION_PIECES) -> float:
    """The dense_top at which the calibrated model gives P(off-topic) = p (it is monotone in dense_top)."""
    lo, hi = 0.7, 1.0
    for _ in range(60):
        mid = (lo + hi) / 2
        lo, hi = (mid, hi) if p_offtopic(mid, usem, unknown, n_pieces) > p else (lo, mid)
    return (lo + hi) / 2


def test_strong_and_weak_signals_decide_plainly():
    assert decide(OnTopicSignals(usem_max=0.70, dense_top=0.93, unknown_share=0.0)).on_topic
    refused = decide(OnTopicSignals(usem_max=0.30, dense_top=0.85, unknown_share=0.6))
    assert not refused.on_topic and refused.reason == "calibrated" and refused.confidence > 0.9


def test_each_signal_moves_the_decision():
    boundary = _dense_at(P_REFUSE["medium"], usem=0.5, unknown=0.2)
    at = dict(dense_top=boundary, usem_max=0.5, unknown_share=0.2)
    assert decide(OnTopicSignals(**at | {"dense_top": boundary + 0.005})).on_topic
    assert not decide(OnTopicSignals(**at | {"dense_top": boundary - 0.005})).on_topic
    assert decide(OnTopicSignals(**at | {"dense_top": boundary - 0.005, "usem_max": 0.7})).on_topic
    # Words the knowledge never uses ("11번가", "아마존") push towards refusal; none at all pulls back.
    assert not decide(OnTopicSignals(**at | {"dense_top": boundary + 0.005, "unknown_share": 0.6})).on_topic
    assert decide(OnTopicSignals(**at | {"dense_top": boundary - 0.005, "unknown_share": 0.0})).on_topic
    # So does a name the knowledge never uses (a proper noun or foreign word), whatever the number of them.
    assert not decide(OnTopicSignals(**at | {"dense_top": boundary + 0.005, "unknown_names": 1})).on_topic
    names = [p_offtopic(boundary, 0.5, 0.2, unknown_names=n) for n in (0, 1, 3)]
    assert names[0] < names[1] == names[2]
    # A small knowledge base leaves many names of real questions unknown: there the signal counts half.
    z = [math.log(p / (1 - p)) for p in (p_offtopic(boundary, 0.5, 0.2, n_pieces=200, unknown_names=n) for n in (0, 1))]
    full = [math.log(p / (1 - p)) for p in (p_offtopic(boundary, 0.5, 0.2, unknown_names=n) for n in (0, 1))]
    assert abs((z[1] - z[0]) - 0.5 * (full[1] - full[0])) < 1e-6


def test_confidence_is_a_half_at_the_boundary_and_grows_away_from_it():
    boundary = _dense_at(P_REFUSE["medium"], usem=0.5)
    near = decide(OnTopicSignals(usem_max=0.5, dense_top=boundary + 1e-6, unknown_share=0.0))
    far = decide(OnTopicSignals(usem_max=0.5, dense_top=boundary + 0.05, unknown_share=0.0))
    assert near.confidence == pytest.approx(0.5, abs=0.01) and far.confidence > 0.9


@pytest.mark.parametrize("lower, higher", [("low", "medium"), ("medium", "high")])
def test_stricter_levels_refuse_more(lower: str, higher: str):
    between = (P_REFUSE[lower] + P_REFUSE[higher]) / 2
    dense = _dense_at(between, usem=0.5)
    signals = OnTopicSignals(usem_max=0.5, dense_top=dense, unknown_share=0.0)
    assert decide(signals, lower).on_topic and not decide(signals, higher).on_topic


def test_other_models_decide_on_use_alone_and_strictness_matters():
    value = (USEM_ONLY["medium"] + USEM_ONLY["high"]) / 2
    assert decide(OnTopicSignals(usem_max=value, dense_top=None), "medium").on_topic
    assert not decide(OnTopicSignals(usem_max=value, dense_top=None), "high").on_topic
    assert decide(OnTopicSignals(usem_max=None, dense_top=None)).reason == "no_signal"


def test_a_small_knowledge_base_is_read_on_its_own_scale():
    assert size_shift(CALIBRATION_PIECES) == 0 and size_shift(None) == 0
    assert 0 < size_shift(3000) < size_shift(100) <= MAX_SHIFT
    boundary = _dense_at(P_REFUSE["medium"], usem=0.5)
    below = OnTopicSignals(usem_max=0.5, dense_top=boundary - 0.01, unknown_share=0.5)
    assert not decide(below).on_topic
    # 100 pieces: e5 scores sit lower, and many words of a real question are unknown to so little text, so the
    # unknown share counts only half there.
    assert decide(OnTopicSignals(usem_max=0.5, dense_top=boundary - 0.01, unknown_share=0.0), n_pieces=100).on_topic
    assert p_offtopic(boundary, 0.5, 0.5, n_pieces=100) < p_offtopic(boundary, 0.5, 0.5)
    assert unknown_weight(100) == UNKNOWN_FLOOR == 0.5
    assert unknown_weight(CALIBRATION_PIECES) == 1 == unknown_weight(None)
    assert UNKNOWN_FLOOR < unknown_weight(2000) < 1


def test_probability_is_bounded_for_extreme_inputs():
    assert 0 <= p_offtopic(-5.0, -5.0, 1.0) <= 1 and 0 <= p_offtopic(5.0, 5.0, 0.0) <= 1
    assert not math.isnan(p_offtopic(0.9, 0.5, None))
