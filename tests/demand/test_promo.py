"""Known promotions: the planted uplift is recovered, used when it helps, reported
when it does not."""

import datetime as dt

import numpy as np
import pytest

from pyme_ai.demand import DemandModel, evaluate, history_from_matrix, promo
from pyme_ai.demand.sample import generate_promotions
from pyme_ai.demand.series import period_index, period_start

H = 8


def _history(names, values):
    return history_from_matrix(names, values, "W", np.full(len(names), 3000))


def _planted(n=120, periods=150, seed=0):
    """Poisson demand around 20 a week; half the items double (+100 %) in promoted
    weeks, the other half gain 40 %; one week in six is promoted."""
    rng = np.random.default_rng(seed)
    flags = (rng.random((n, periods)) < 1 / 6).astype(float)
    u = np.where(np.arange(n) < n // 2, 1.0, 0.4)[:, None]
    values = rng.poisson(20 * (1 + u * flags)).astype(float)
    return np.array([f"I{i}" for i in range(n)], dtype=object), values, flags, u[:, 0]


def test_planted_uplift_is_recovered_per_item_and_pooled():
    names, values, flags, u = _planted()
    history = _history(names, values)
    est, pooled, count = promo.uplift(history.values, history.start, flags)
    assert count == int(flags.sum())
    assert 0.6 < pooled < 0.8  # the planted mean is 0.7
    high, low = est[u == 1.0], est[u == 0.4]
    assert abs(np.median(high) - 1.0) < 0.15
    assert abs(np.median(low) - 0.4) < 0.1
    # flags that say nothing give no uplift
    rng = np.random.default_rng(5)
    noise = (rng.random(values.shape) < 1 / 6).astype(float)
    plain = rng.poisson(20, values.shape).astype(float)
    __, pooled, __ = promo.uplift(plain, np.zeros(len(names), int), noise)
    assert abs(pooled) < 0.05


def test_promotions_are_used_when_they_lower_the_held_out_error():
    names, values, flags = generate_promotions(200, 160, seed=1)
    history = _history(names, values)
    future = np.zeros((len(names), H))
    future[:5, 2] = 1.0  # known promotions in the third week of five items
    base = evaluate(history, freq="W", horizon=H, per_method=False)
    result = evaluate(
        history, freq="W", horizon=H, per_method=False, promotions=(flags, future)
    )
    report = result.report["promotions"]
    assert report["status"] == promo.USED
    assert report["rmsse_with"] < report["rmsse_without"]
    assert report["promoted_rmsse_with"] < report["promoted_rmsse_without"]
    assert 0.8 < report["uplift"] < 1.6  # planted: uniform 0.5-2 per item
    assert result.metrics["rmsse"] < base.metrics["rmsse"]
    model = result.model
    step = model.predict(horizon=H)
    # the promoted week of the five items is forecast above their other weeks
    assert (step[:5, 2] > 1.3 * step[:5, 1]).all()
    assert np.allclose(step[5:, 2], step[5:, 1])
    # the quantiles of cumulative demand grow more in the promoted week
    q = model.forecast()["cum_quantiles"][0.9]
    assert (q[:5, 2] - q[:5, 1] > q[:5, 1] - q[:5, 0]).all()


def test_noise_flags_are_reported_not_used_and_change_nothing():
    names, values, flags = generate_promotions(200, 160, seed=2, uplift=False)
    history = _history(names, values)
    future = np.ones((len(names), H))
    base = evaluate(history, freq="W", horizon=H, per_method=False)
    result = evaluate(
        history, freq="W", horizon=H, per_method=False, promotions=(flags, future)
    )
    report = result.report["promotions"]
    assert report["status"] == promo.NO_GAIN
    assert abs(report["uplift"]) < 0.1
    assert result.metrics["rmsse"] == pytest.approx(base.metrics["rmsse"])
    assert np.allclose(result.model.predict(), base.model.predict())


def test_long_promotion_rows_are_bucketed_and_none_in_history_is_said():
    names, values, flags, __ = _planted(n=30, periods=80, seed=3)
    history = _history(names, values)
    days = period_start(
        history.end[:, None] + np.arange(-79, 1)[None, :], "W"
    )  # column starts
    rows, cols = np.nonzero(flags)
    future_day = period_start(np.array([history.end[0] + 2]), "W")[0] + 3
    long = {
        "items": list(names[rows]) + ["I0", "unknown"],
        "dates": list(days[rows, cols] + 2) + [future_day, future_day],
        "share": [0.5] * len(rows) + [1.0, 1.0],
    }
    past, future = promo.align(history, long, H)
    assert np.array_equal(past, flags * 0.5)
    assert future[0, 1] == 1.0 and future.sum() == 1.0
    # periods (first and last day): each week gets the share of its days covered
    wednesday = days[0, 10] + 2
    spans = {
        "items": ["I0", "I1", "I2"],
        "dates": [wednesday, wednesday, days[0, 0] - 30],
        "end": [wednesday + 6, wednesday - 1, days[0, 0] + 1],
        "share": [1.0, 1.0, 0.5],
    }
    past, future = promo.align(history, spans, H)
    assert np.allclose(past[0, 10:12], [5 / 7, 2 / 7])
    assert np.isclose(past[0].sum(), 1.0)
    assert past[1].sum() == 0.0  # ends before it starts
    assert np.isclose(past[2, 0], 0.5 * 2 / 7) and past[2, 1:].sum() == 0
    # only future promotions: nothing to learn from
    model = DemandModel(freq="W", horizon=H)
    only_future = {"items": ["I0"], "dates": [future_day], "share": [1.0]}
    model.fit(history, promotions=only_future)
    assert model.info_["promotions"]["status"] == promo.NO_PROMOTIONS
    assert model.info_["promotions"]["future_periods"] == 1
    assert model.promo_ is None
    # a long mapping with its promotions inside the demand data
    first = dt.date(2024, 1, 1)
    data = {
        "items": np.repeat(names, 80),
        "dates": [
            first + dt.timedelta(weeks=int(w)) for w in np.tile(np.arange(80), 30)
        ],
        "quantities": values.ravel(),
        "promotions": {
            "items": names[rows],
            "dates": [first + dt.timedelta(weeks=int(c)) for c in cols],
            "share": np.ones(len(rows)),
        },
    }
    fitted = DemandModel(freq="W", horizon=H).fit(data)
    weeks = period_index(np.array([first], dtype="datetime64[D]"), "W")
    assert fitted.first_period_[0] == weeks[0] + 80
    # learnt from the history before the held-out horizon
    learnt = int(flags[:, : 80 - H].sum())
    assert fitted.info_["promotions"]["promoted_periods"] == learnt
