"""Engine rules: the class guard's standard-error margin, the fine grid of the level
error ``b`` and the own calibration map of items trending up."""

import numpy as np

from pyme_ai.demand import dist, history_from_matrix
from pyme_ai.demand.engine import Engine, trend_sign
from pyme_ai.demand.model import center_choice
from pyme_ai.demand.sample import generate_kind


def _weekly(values):
    n = len(values)
    return history_from_matrix(
        [f"p{i}" for i in range(n)], np.asarray(values, float), "W", np.full(n, 2800)
    )


def _trending(n_flat, n_up, n_periods=156, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n_periods)[None, :]
    level = rng.uniform(10, 30, (n_flat + n_up, 1))
    slope = np.r_[np.zeros(n_flat), rng.uniform(0.3, 0.6, n_up)][:, None]
    return rng.poisson(level * (1 + slope * t / n_periods)).astype(float)


def _calibrated(engine):
    choice, info = engine.select(engine.T)
    center = center_choice(engine, choice, engine.names.index(info["reference"]))
    return engine.calibrate_classes(engine.T, center)


def test_trend_sign_is_the_least_squares_slope_test():
    rng = np.random.default_rng(1)
    n, width = 300, 50
    start = rng.integers(0, 55, n)
    t = np.arange(width)
    slope = rng.uniform(-0.3, 0.3, n)
    rate = np.maximum(5 + slope[:, None] * (t[None, :] - start[:, None]), 0.1)
    values = rng.poisson(rate).astype(float)
    values[t[None, :] < start[:, None]] = 0
    expected = []
    for i in range(n):
        y = values[i, start[i] :]
        if y.size < 3:
            expected.append(0)
            continue
        x = np.arange(y.size, dtype=float)
        b1, b0 = np.polyfit(x, y, 1)
        resid = y - (b0 + b1 * x)
        se = np.sqrt(resid @ resid / (y.size - 2) / ((x - x.mean()) ** 2).sum())
        z = b1 / se if se > 0 else 0.0
        expected.append(1 if z >= 2 else -1 if z <= -2 else 0)
    got = trend_sign(values, start)
    assert got.tolist() == expected
    assert {-1, 0, 1} <= set(got.tolist())


def test_items_trending_up_get_a_wider_map_than_their_class():
    """A flat forecast lags behind growth: the items trending up in the backtest
    sold above the centre more often, so their 0.9 level is calibrated higher."""
    engine = Engine(_weekly(_trending(150, 150)), 12)
    b, calib = _calibrated(engine)
    up = engine.trend(engine.T) > 0
    assert up[150:].mean() > 0.8 and up[:150].mean() < 0.1
    level_up = dist.apply_map([0.9], calib[up][0])[0]
    level_flat = dist.apply_map([0.9], calib[~up][0])[0]
    assert level_up > level_flat + 0.01
    assert len(np.unique(b)) == 1  # the class's b is kept


def test_level_error_of_a_trend_is_fitted_below_the_coarse_grid():
    """Relative level errors of a few percent (b ~ 0.001-0.01) are neither zero nor
    0.02: the grid of ``b`` is fine near zero."""
    __, values = generate_kind("trending", 300, 196, seed=7)
    engine = Engine(_weekly(values), 12)
    b, __ = _calibrated(engine)
    assert 0.0 < b[0] < 0.02


def _guard_case(gain):
    """The class guard at ``T`` of 60 regular items, with the errors one horizon
    earlier replaced: the per-item rule chose ``ses`` for half of the items and
    ``ma13`` for the others (error 0.8, 2 on the other half), ``mean`` did worse
    than the choice by ``gain`` per item, every other method much worse."""
    rng = np.random.default_rng(3)
    engine = Engine(_weekly(rng.poisson(15.0, (60, 104))), 4)
    prev = engine.T - engine.H
    ses, ma13 = engine.names.index("ses"), engine.names.index("ma13")
    even = np.arange(60) % 2 == 0
    errors = np.full((60, len(engine.names)), 2.0)
    errors[:, ses] = np.where(even, 0.8, 2.0)
    errors[:, ma13] = np.where(even, 2.0, 0.8)
    errors[:, engine.names.index("mean")] = 0.8 + gain
    choice = np.where(even, ses, ma13)
    engine._scores[prev] = (errors, errors)
    engine.select_items = lambda level: (choice.copy(), {"rule": "learnt"})
    __, info = engine.class_guard(engine.T, choice.copy(), {"rule": "learnt"})
    return info.get("class_override", {})


def test_class_guard_keeps_the_choice_only_beyond_one_standard_error():
    noise = np.where(np.arange(60) % 2 == 0, 0.05, -0.05)
    # the choice was better by 0.002 on average, with a standard error of 0.0065
    assert _guard_case(0.002 + noise) == {"smooth": "mean"}
    # better by 0.02 (three standard errors): the choice stays
    assert _guard_case(0.02 + noise) == {}
