"""Demand engine building blocks: histories, classes, methods, count distributions."""

import datetime as dt
import math

import numpy as np
import pytest

from pyme_ai.demand import dist
from pyme_ai.demand.classify import (
    adi_cv2,
    classify,
    demand_classes,
    detect_seasonality,
)
from pyme_ai.demand.methods import run_methods, steps
from pyme_ai.demand.series import (
    DemandDataError,
    build_history,
    history_from_matrix,
    history_from_wide,
)


def _run(rows, freq="M", **params):
    values = np.array(rows, dtype=float)
    history = history_from_matrix(
        [f"i{k}" for k in range(len(values))], values, freq, np.zeros(len(values), int)
    )
    width = values.shape[1]
    paths = run_methods(history.values, history.start, [width], freq, 12, **params)
    return {name: level[0] for name, level in paths.levels.items()}


# --------------------------------------------------------------------------- histories
def test_daily_history_zero_fills_missing_days_and_sums_duplicates():
    h = build_history(
        ["a", "a", "a", "b", "a"],
        ["2024-01-01", "2024-01-03", "2024-01-10", "2024-01-05", "2024-01-03"],
        [2, 1, 4, 5, 1],
        "D",
    )
    assert h.items.tolist() == ["a", "b"]
    assert h.values[0].tolist() == [2, 0, 2, 0, 0, 0, 0, 0, 0, 4]
    # b first sold on the 5th: its history starts there, later days are zeros
    assert h.start.tolist() == [0, 4]
    assert h.values[1, 4:].tolist() == [5, 0, 0, 0, 0, 0]
    assert h.lengths().tolist() == [10, 6]


def test_weekly_and_monthly_aggregation():
    items = ["a"] * 4
    dates = [
        dt.date(2024, 1, 1),
        dt.date(2024, 1, 7),
        dt.date(2024, 1, 8),
        dt.date(2024, 2, 29),
    ]
    qty = [1.0, 2.0, 4.0, 8.0]
    weekly = build_history(items, dates, qty, "W")
    # weeks start on Monday: Jan 1 (Mon) and Jan 7 (Sun) share a week,
    # Jan 8 opens the next
    assert weekly.values[0, :2].tolist() == [3, 4]
    assert weekly.values[0].sum() == 15 and weekly.n_periods == 9
    monthly = build_history(items, dates, qty, "M")
    assert monthly.values.tolist() == [[7, 8]]
    assert str(monthly.dates()[0, 1]) == "2024-02-01"


def test_dates_as_strings_dates_and_datetime64_agree_and_end_extends_zeros():
    qty = [3, 1]
    as_str = build_history(
        ["x", "x"], ["2024-03-01", "2024-03-04"], qty, "D", end="2024-03-06"
    )
    as_date = build_history(
        ["x", "x"],
        [dt.date(2024, 3, 1), dt.date(2024, 3, 4)],
        qty,
        "D",
        end=dt.date(2024, 3, 6),
    )
    as_np = build_history(
        ["x", "x"],
        np.array(["2024-03-01", "2024-03-04"], "datetime64[D]"),
        qty,
        "D",
        end="2024-03-06",
    )
    for h in (as_date, as_np):
        assert np.array_equal(h.values, as_str.values)
    assert as_str.values.tolist() == [[3, 0, 0, 1, 0, 0]]


def test_an_end_inside_a_week_or_month_leaves_that_partial_period_out():
    items, qty = ["x"] * 3, [5.0, 5.0, 1.0]
    dates = [dt.date(2024, 1, 1), dt.date(2024, 1, 8), dt.date(2024, 1, 15)]
    # Jan 15 is a Monday: up to it, its week has one day and would read as a drop
    cut = build_history(items, dates, qty, "W", end=dt.date(2024, 1, 15))
    assert cut.values.tolist() == [[5, 5]]
    assert str(cut.dates()[0, -1]) == "2024-01-08"
    # a Sunday closes its week: the week is kept
    full = build_history(items, dates, qty, "W", end=dt.date(2024, 1, 21))
    assert full.values.tolist() == [[5, 5, 1]]
    # months alike; days are always complete
    month = build_history(items, dates, qty, "M", end=dt.date(2024, 2, 28))
    assert month.values.tolist() == [[11]]
    assert build_history(items, dates, qty, "M", end="2024-02-29").n_periods == 2
    daily = build_history(items, dates, qty, "D", end=dt.date(2024, 1, 15))
    assert daily.values[0, -1] == 1


def test_negative_totals_count_as_zero_and_bad_input_is_rejected():
    h = build_history(
        ["a", "a", "a"], ["2024-01-01", "2024-01-02", "2024-01-02"], [2, 1, -5], "D"
    )
    assert h.values.tolist() == [[2, 0]]
    with pytest.raises(DemandDataError, match="unreadable date"):
        build_history(["a"], ["not a date"], [1], "D")
    with pytest.raises(DemandDataError, match="frequency"):
        build_history(["a"], ["2024-01-01"], [1], "Q")
    with pytest.raises(DemandDataError, match="numbers"):
        build_history(["a"], ["2024-01-01"], [float("nan")], "D")


def test_wide_table_blank_tail_means_no_more_data():
    table = {
        "part": ["a", "b", "c"],
        "2024-01": ["1", "0", ""],
        "2024-02": ["0", "3", ""],
        "2024-03": ["2", "", ""],
    }
    h = history_from_wide(table)
    assert h.freq == "M"
    assert h.items.tolist() == ["a", "b"]  # c has no data at all
    assert h.values.tolist() == [[1, 0, 2], [0, 0, 3]]
    assert h.start.tolist() == [0, 2]
    assert [str(d) for d in h.dates()[:, -1]] == ["2024-03-01", "2024-02-01"]


# --------------------------------------------------------------------------- classes
def test_demand_classes_hand_cases():
    rows = [
        [5, 6, 5, 6, 5, 6],  # ADI 1, CV² 1/121
        [1, 10, 1, 10, 1, 10],  # ADI 1, sizes mean 5.5 var 20.25 -> CV² 0.669
        [2, 0, 2, 0, 2, 0],  # ADI 2, CV² 0
        [1, 0, 0, 9, 0, 0],  # ADI 3, sizes 1 and 9 -> CV² 16/25 = 0.64
        [0, 0, 0, 0, 0, 0],
    ]
    values = np.array(rows, dtype=float)
    h = history_from_matrix(list("abcde"), values, "M", np.zeros(5, int))
    adi, cv2 = adi_cv2(h.values, h.start)
    assert adi[:4] == pytest.approx([1, 1, 2, 3])
    assert cv2[1] == pytest.approx(20.25 / 30.25)
    assert cv2[3] == pytest.approx(0.64)
    assert demand_classes(h.values, h.start).tolist() == [
        "smooth",
        "erratic",
        "intermittent",
        "lumpy",
        "none",
    ]
    # the cut-offs themselves belong to the smooth side
    assert classify([1.32, 1.33, 1.32], [0.49, 0.49, 0.5]).tolist() == [
        "smooth",
        "intermittent",
        "erratic",
    ]


def test_seasonality_detection():
    rng = np.random.default_rng(0)
    months = np.arange(48)
    seasonal = 10 + 8 * np.sin(2 * np.pi * months / 12) + rng.normal(0, 1, 48)
    noise = 10 + rng.normal(0, 3, 48)
    short = np.r_[np.zeros(24), seasonal[:24]]  # history of two years only
    values = np.maximum(np.vstack([seasonal, noise, short]), 0.1)
    values[2, :24] = 0
    h = history_from_matrix(list("abc"), values, "M", np.zeros(3, int))
    assert detect_seasonality(h.values, h.start, 12).tolist() == [True, False, False]


# --------------------------------------------------------------------------- methods
def test_ses_hand_computed_with_running_mean_start():
    # alpha 0.3: gains 1, 1/2, 1/3 (running mean) then 0.3: 3 -> 1.5 -> 3.0 -> 2.4
    assert _run([[3, 0, 6, 1]], ses_alphas=(0.3,))["ses"][0] == pytest.approx(2.4)
    # alpha 0.5 is never below 1/k after the first step: plain SES from l0 = y1
    # 4 -> 3 -> 4.5 -> 3.25
    assert _run([[4, 2, 6, 2]], ses_alphas=(0.5,))["ses"][0] == pytest.approx(3.25)


def test_ses_alpha_is_chosen_per_item_by_one_step_error():
    rows = [[4, 6] * 10, [1] * 10 + [9] * 10]
    levels = _run(rows, ses_alphas=(0.05, 0.5))["ses"]
    assert 4.5 < levels[0] < 5.5  # noise around 5: small alpha, level near the mean
    assert levels[1] > 8.5  # level shift: large alpha follows it


def test_croston_sba_tsb_hand_computed():
    out = _run([[0, 2, 0, 0, 3, 0]])
    # sizes 2 then 3 (gain 1/2) -> 2.5; first interval 3 -> p = 3
    assert out["croston"][0] == pytest.approx(2.5 / 3)
    assert out["sba"][0] == pytest.approx(2.5 / 3 * 0.95)
    # demand probability from the first sale: 1, 1/2, 1/3, 1/2, 0.4 -> 0.4 * 2.5
    assert out["tsb"][0] == pytest.approx(1.0)
    assert out["mean"][0] == pytest.approx(1.0)
    assert out["naive"][0] == 0


def test_croston_before_a_second_demand_uses_the_elapsed_time():
    assert _run([[0, 4, 0, 0]])["croston"][0] == pytest.approx(4 / 3)


def test_moving_averages_and_naive():
    out = _run([[1, 2, 3, 4, 5, 6], [0, 0, 0, 0, 2, 4]])
    assert out["ma3"].tolist() == pytest.approx([5, 3])
    assert out["ma12"].tolist() == pytest.approx(
        [3.5, 3]
    )  # shorter history: what there is
    assert out["naive"].tolist() == [6, 4]
    assert out["mean"].tolist() == pytest.approx([3.5, 3])


def test_seasonal_naive_repeats_the_last_season():
    pattern = np.array([[1.0, 2.0, 3.0]])
    assert steps(None, pattern, 7).tolist() == [[1, 2, 3, 1, 2, 3, 1]]
    assert steps(np.array([2.0]), None, 3).tolist() == [[2, 2, 2]]
    values = np.arange(1, 25, dtype=float)[None, :]
    h = history_from_matrix(["a"], values, "M", np.zeros(1, int))
    paths = run_methods(h.values, h.start, [24], "M", 12)
    assert paths.pattern[0, 0].tolist() == list(range(13, 25))


# ----------------------------------------------------------------------- distributions
def _nb_pmf(k, mean, var):
    if var <= mean:
        return math.exp(-mean + k * math.log(mean) - math.lgamma(k + 1))
    r = mean**2 / (var - mean)
    p = mean / (r + mean)
    return math.exp(
        math.lgamma(k + r)
        - math.lgamma(r)
        - math.lgamma(k + 1)
        + r * math.log1p(-p)
        + k * math.log(p)
    )


@pytest.mark.parametrize(
    "mean,var", [(3.0, 6.0), (0.5, 0.5), (50.0, 400.0), (0.2, 5.0)]
)
def test_nb_quantiles_match_brute_force(mean, var):
    levels = [0.1, 0.5, 0.9, 0.95, 0.99]
    got = dist.nb_quantiles(levels, np.array([mean]), np.array([var]))[:, 0]
    cdf, k, expected = 0.0, 0, []
    for q in levels:
        while cdf + _nb_pmf(k, mean, var) < q - 1e-12:
            cdf += _nb_pmf(k, mean, var)
            k += 1
        expected.append(k)
    assert got.tolist() == expected
    assert dist.nb_cdf(expected[2], mean, var) >= 0.9


def test_large_means_use_an_accurate_approximation():
    mean, var = 500.0, 2500.0
    exact = np.cumsum([_nb_pmf(k, mean, var) for k in range(800)])
    for k in (400, 450, 500, 560, 620):
        assert float(dist.nb_cdf(k, mean, var)) == pytest.approx(exact[k], abs=0.01)
    q = dist.nb_quantiles([0.9], np.array([mean]), np.array([var]))[0, 0]
    assert abs(q - np.searchsorted(exact, 0.9)) <= 3


def test_quantiles_are_monotone_and_non_negative():
    rng = np.random.default_rng(1)
    mean = rng.gamma(0.5, 20, 300)
    var = dist.nb_variance(mean, rng.uniform(1, 5, 300), 0.3)
    q = dist.nb_quantiles([0.05, 0.5, 0.9, 0.99], mean, var)
    assert (q >= 0).all()
    assert (np.diff(q, axis=0) >= 0).all()
    zero = dist.nb_quantiles([0.5, 0.99], np.zeros(2), np.zeros(2))
    assert zero.tolist() == [[0, 0], [0, 0]]


def test_calibration_map_targets_the_outcome_share():
    rng = np.random.default_rng(2)
    # forecasts twice too narrow: a Poisson forecast for overdispersed outcomes
    mean = np.full(4000, 10.0)
    actual = rng.negative_binomial(2, 2 / 12, 4000)  # mean 10, var 60
    pit = dist.lower_pit(actual, mean, mean)
    calib = dist.calibration_map(pit)
    levels = dist.apply_map([0.5, 0.9], calib)
    q = dist.nb_quantiles(levels, mean, mean)
    assert np.mean(actual <= q[1]) == pytest.approx(0.9, abs=0.01)
    assert np.mean(actual <= q[0]) == pytest.approx(0.5, abs=0.03)
    assert np.all(np.diff(calib) >= 0)
