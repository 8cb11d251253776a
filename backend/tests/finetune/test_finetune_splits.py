"""The held-out split: stable, the requested share, and both val and test even for a small knowledge base."""

import uuid

from app.finetune.data import splits


def test_small_knowledge_bases_hold_out_both_a_validation_and_a_test_entry():
    for seed in range(300):
        ids = [uuid.uuid5(uuid.NAMESPACE_URL, f"entry-{seed}-{i}") for i in range(44)]
        got = splits(ids, 20)
        assert {"val", "test"} <= set(got.values()), seed
        assert splits(list(reversed(ids)), 20) == got  # the order entries come in does not matter


def test_the_share_held_out_follows_holdout_pct():
    ids = [uuid.uuid5(uuid.NAMESPACE_URL, f"big-{i}") for i in range(3000)]
    got = list(splits(ids, 20).values())
    assert 0.17 < (got.count("val") + got.count("test")) / len(got) < 0.23
    assert abs(got.count("val") - got.count("test")) <= 1
    assert set(splits(ids[:3], 2).values()) == {"train", "val", "test"}  # at least two held out
