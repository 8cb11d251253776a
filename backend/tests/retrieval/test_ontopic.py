from app.retrieval.ontopic import THRESHOLDS, USE_STRONG, USEM_ONLY, OnTopicSignals, decide

MEDIUM = THRESHOLDS["medium"]


def test_dense_band_decides_outside_the_grey_zone():
    assert decide(OnTopicSignals(usem_max=None, dense_top=MEDIUM.dense_high + 0.01)).on_topic
    assert not decide(OnTopicSignals(usem_max=0.3, dense_top=MEDIUM.dense_low - 0.01)).on_topic


def test_grey_zone_asks_use():
    grey = (MEDIUM.dense_low + MEDIUM.dense_high) / 2
    assert decide(OnTopicSignals(usem_max=MEDIUM.usem + 0.05, dense_top=grey)).on_topic
    refused = decide(OnTopicSignals(usem_max=MEDIUM.usem - 0.05, dense_top=grey))
    assert not refused.on_topic and refused.reason == "usem_grey"


def test_a_strong_use_match_answers_below_the_dense_band():
    low = MEDIUM.dense_low - 0.02
    assert decide(OnTopicSignals(usem_max=USE_STRONG + 0.01, dense_top=low)).reason == "usem_strong"
    assert not decide(OnTopicSignals(usem_max=USE_STRONG - 0.01, dense_top=low)).on_topic


def test_other_models_decide_on_use_alone_and_strictness_matters():
    value = (USEM_ONLY["medium"] + USEM_ONLY["high"]) / 2
    assert decide(OnTopicSignals(usem_max=value, dense_top=None), "medium").on_topic
    assert not decide(OnTopicSignals(usem_max=value, dense_top=None), "high").on_topic


def test_a_small_knowledge_base_gets_a_lower_dense_band():
    from app.retrieval.ontopic import CALIBRATION_PIECES, MAX_SHIFT, size_shift

    assert size_shift(CALIBRATION_PIECES) == 0 and size_shift(None) == 0
    assert 0 < size_shift(3000) < size_shift(100) <= MAX_SHIFT
    just_below = MEDIUM.dense_low - 0.005
    assert not decide(OnTopicSignals(usem_max=None, dense_top=just_below)).on_topic
    assert decide(OnTopicSignals(usem_max=None, dense_top=MEDIUM.dense_high - 0.005), n_pieces=100).on_topic
