"""Metrics and holdout splits against values computed by hand; training.is_worse."""

import datetime as dt
import math

import numpy as np
import pytest
from sklearn.metrics import roc_auc_score

from pyme_ai import evaluation as ev
from pyme_ai.evaluation import EvaluationError
from pyme_ai.training import TrainingResult, is_worse


# ---------------------------------------------------------------------------------- AUC
def test_auc_with_ties_by_hand():
    y = [0, 0, 1, 1, 0, 1]
    s = [0.1, 0.4, 0.4, 0.8, 0.8, 0.9]
    # positives 0.4, 0.8, 0.9 against negatives 0.1, 0.4, 0.8 (tie = 1/2):
    #   0.4: 1 + 0.5 + 0 = 1.5;  0.8: 1 + 1 + 0.5 = 2.5;  0.9: 3
    #   AUC = (1.5 + 2.5 + 3) / 9 = 7/9
    assert ev.roc_auc_score(y, s) == pytest.approx(7 / 9)
    assert ev.roc_auc_score(y, s) == pytest.approx(roc_auc_score(y, s))


def test_auc_extremes():
    y = [0, 1, 0, 1]
    assert ev.roc_auc_score(y, [0.1, 0.9, 0.2, 0.8]) == 1.0
    assert ev.roc_auc_score(y, [0.9, 0.1, 0.8, 0.2]) == 0.0
    assert ev.roc_auc_score(y, [0.5, 0.5, 0.5, 0.5]) == 0.5
    assert isinstance(ev.roc_auc_score(y, [0.1, 0.9, 0.2, 0.8]), float)


def test_auc_matches_sklearn_on_random_scores_with_many_ties():
    rng = np.random.default_rng(3)
    y = rng.integers(0, 2, size=300)
    s = rng.integers(0, 8, size=300) / 8  # 8 distinct values: lots of ties
    assert ev.roc_auc_score(y, s) == pytest.approx(roc_auc_score(y, s))


@pytest.mark.parametrize(
    "y, s",
    [([1, 1, 1], [0.1, 0.2, 0.3]), ([0, 0], [0.1, 0.2]), ([], []), ([0, 1], [0.5])],
)
def test_auc_refuses_bad_input(y, s):
    with pytest.raises(EvaluationError):
        ev.roc_auc_score(y, s)


# ---------------------------------------------------------------------- Brier, log loss
def test_brier_by_hand():
    # (0.1^2 + 0.2^2 + 0.4^2 + 0.5^2) / 4 = (0.01 + 0.04 + 0.16 + 0.25) / 4 = 0.115
    assert ev.brier_score_loss([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.5]) == pytest.approx(
        0.115
    )
    assert ev.brier_score_loss([1, 0], [1.0, 0.0]) == 0.0


def test_log_loss_by_hand():
    # -(ln 0.8 + ln 0.7) / 2 = (0.2231436 + 0.3566749) / 2 = 0.2899092
    assert ev.log_loss([1, 0], [0.8, 0.3]) == pytest.approx(0.2899092, abs=1e-7)


def test_log_loss_is_finite_for_certain_mistakes():
    # p clipped to 1e-15: -ln(1e-15) = 15 ln 10 = 34.538776
    assert ev.log_loss([1], [0.0]) == pytest.approx(34.538776, rel=1e-7)
    # and to 1 - 1e-15 on the other side (1 - p is then ~1e-15 in floating point)
    assert ev.log_loss([0], [1.0]) == pytest.approx(34.538776, rel=1e-4)


# --------------------------------------------------------------------------------- lift
def test_lift_top_10_and_20_percent_by_hand():
    y = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    s = [0.95, 0.9, 0.1, 0.3, 0.2, 0.4, 0.5, 0.6, 0.05, 0.15]
    # base rate 3/10. Top 10% = 1 row (0.95 -> positive): 1 / 0.3 = 3.333
    assert ev.lift_score(y, s, 0.1) == pytest.approx(1 / 0.3)
    # top 20% = 0.95 (pos), 0.9 (neg): 0.5 / 0.3 = 1.667
    assert ev.lift_score(y, s, 0.2) == pytest.approx(0.5 / 0.3)
    # everything: lift 1
    assert ev.lift_score(y, s, 1.0) == pytest.approx(1.0)


def test_lift_top_rounds_up_and_breaks_ties_by_input_order():
    # 15 rows, 10% -> ceil(1.5) = 2 rows; the four 0.9s tie, the first two win
    y = [0, 1, 1, 0] + [0] * 10 + [1]
    s = [0.9, 0.9, 0.9, 0.9] + [0.1] * 10 + [0.2]
    # top 2 = rows 0 (neg) and 1 (pos): rate 0.5, base 3/15 = 0.2 -> 2.5
    assert ev.lift_score(y, s, 0.1) == pytest.approx(2.5)


def test_lift_refuses_bad_input():
    with pytest.raises(EvaluationError):
        ev.lift_score([0, 0, 0], [0.1, 0.2, 0.3])
    with pytest.raises(EvaluationError):
        ev.lift_score([0, 1], [0.1, 0.2], fraction=0)
    with pytest.raises(EvaluationError):
        ev.lift_score([0, 1], [0.1, 0.2], fraction=1.5)


def test_classification_report():
    y = [1, 0, 0, 1, 0, 0, 1, 0, 0, 0]
    s = [0.95, 0.9, 0.1, 0.3, 0.2, 0.4, 0.5, 0.6, 0.05, 0.15]
    report = ev.classification_report(y, s)
    assert set(report) == {
        "auc",
        "brier",
        "log_loss",
        "lift_10",
        "lift_20",
        "n",
        "positive_rate",
    }
    assert report["n"] == 10
    assert report["positive_rate"] == pytest.approx(0.3)
    assert report["lift_20"] == pytest.approx(0.5 / 0.3)
    assert report["auc"] == pytest.approx(roc_auc_score(y, s))
    assert all(isinstance(v, int | float) for v in report.values())


# -------------------------------------------------------------------------- forecasting
def test_mase_by_hand():
    history = [1, 3, 2, 5]
    # naive in-sample errors |3-1|, |2-3|, |5-2| = 2, 1, 3 -> scale 2
    # forecast errors |4-5|, |6-3| = 1, 3 -> MAE 2 -> MASE 1
    assert ev.mase_error([4, 6], [5, 3], history) == pytest.approx(1.0)
    # season 2: |2-1|, |5-3| = 1, 2 -> scale 1.5 -> MASE 2 / 1.5
    assert ev.mase_error([4, 6], [5, 3], history, season=2) == pytest.approx(4 / 3)


def test_rmsse_by_hand():
    history = [1, 3, 2, 5]
    # naive squared errors 4, 1, 9 -> scale 14/3; forecast MSE (1 + 9) / 2 = 5
    # RMSSE = sqrt(5 / (14/3)) = sqrt(15/14) = 1.0350983
    assert ev.rmsse_error([4, 6], [5, 3], history) == pytest.approx(1.0350983, abs=1e-7)


def test_scaled_errors_constant_history_is_nan_and_short_history_fails():
    assert math.isnan(ev.mase_error([1, 2], [1, 1], [3, 3, 3]))
    assert math.isnan(ev.rmsse_error([1, 2], [1, 1], [3, 3, 3]))
    with pytest.raises(EvaluationError):
        ev.mase_error([1], [1], [5])
    with pytest.raises(EvaluationError):
        ev.rmsse_error([1], [1], [1, 2, 3], season=3)
    with pytest.raises(EvaluationError):
        ev.mase_error([1, 2], [1], [1, 2, 3])


def test_pinball_loss_by_hand():
    y, f = [10, 20, 30], [15, 15, 15]
    # q=0.9, d = y - f = -5, 5, 15 -> max(0.9 d, -0.1 d) = 0.5, 4.5, 13.5 -> 18.5 / 3
    assert ev.pinball_loss(y, f, 0.9) == pytest.approx(18.5 / 3)
    # q=0.5 is half the absolute error: (2.5 + 2.5 + 7.5) / 3
    assert ev.pinball_loss(y, f, 0.5) == pytest.approx(12.5 / 3)
    # q=0.1: 4.5, 0.5, 1.5 -> 6.5 / 3 (over-forecasting costs more)
    assert ev.pinball_loss(y, f, 0.1) == pytest.approx(6.5 / 3)
    for q in (0, 1, -0.5):
        with pytest.raises(EvaluationError):
            ev.pinball_loss(y, f, q)


def test_quantile_coverage_by_hand():
    # 10 <= 15 yes, 20 <= 20 yes (at the quantile counts), 30 <= 25 no -> 2/3
    assert ev.coverage_score([10, 20, 30], [15, 20, 25]) == pytest.approx(2 / 3)
    assert ev.coverage_score([1, 2], [0, 0]) == 0.0


# ------------------------------------------------------------------------------- splits
def test_stratified_holdout_keeps_proportions():
    y = np.array([0] * 80 + [1] * 20)
    train, test = ev.stratified_holdout(y, test_size=0.25, random_state=1)
    assert len(test) == 25 and len(train) == 75
    assert (y[test] == 1).sum() == 5 and (y[train] == 1).sum() == 15
    assert np.intersect1d(train, test).size == 0
    assert np.array_equal(np.sort(np.concatenate([train, test])), np.arange(100))
    assert np.all(np.diff(train) > 0) and np.all(np.diff(test) > 0)


def test_stratified_holdout_is_reproducible_and_seeded():
    y = np.array([0, 1] * 50)
    a = ev.stratified_holdout(y, random_state=5)
    b = ev.stratified_holdout(y, random_state=5)
    c = ev.stratified_holdout(y, random_state=6)
    assert np.array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_stratified_holdout_small_classes():
    # a class of 2 gets one row each side even when 10% rounds to 0;
    # a class of 1 stays in training
    y = np.array(["a"] * 20 + ["b"] * 2 + ["c"])
    train, test = ev.stratified_holdout(y, test_size=0.1)
    assert sorted(y[test].tolist()) == ["a", "a", "b"]
    assert "c" in y[train].tolist() and "b" in y[train].tolist()
    for bad in (0, 1, 1.5):
        with pytest.raises(EvaluationError):
            ev.stratified_holdout(y, test_size=bad)


def test_time_holdout_takes_latest_rows():
    dates = ["2024-01-05", "2024-01-01", "2024-01-08", "2024-01-02", "2024-01-07"]
    dates += ["2024-01-03", "2024-01-04", "2024-01-06"]
    train, test = ev.time_holdout(dates, test_size=0.25)
    # latest two dates are 2024-01-08 (row 2) and 2024-01-07 (row 4)
    assert test.tolist() == [2, 4]
    assert train.tolist() == [0, 1, 3, 5, 6, 7]


def test_time_holdout_datetime64_ties_and_bounds():
    days = np.array([dt.date(2024, 1, d) for d in (3, 1, 2)], dtype="datetime64[D]")
    assert ev.time_holdout(days, 0.34)[1].tolist() == [0]
    # ties keep input order: the last rows of the tie go to the test part
    assert ev.time_holdout([1, 1, 1, 1], 0.5)[1].tolist() == [2, 3]
    # at least one row on each side
    assert len(ev.time_holdout(list(range(10)), 0.01)[1]) == 1
    assert len(ev.time_holdout(list(range(10)), 0.99)[0]) == 1
    with pytest.raises(EvaluationError):
        ev.time_holdout([1])
    with pytest.raises(EvaluationError):
        ev.time_holdout([1, 2], test_size=1)


# ----------------------------------------------------------------------------- training
@pytest.mark.parametrize(
    "new, old, margin, higher, expected",
    [
        (0.5, 0.75, 0.125, True, True),  # AUC dropped by 0.25 > 0.125
        (0.5, 0.75, 0.25, True, False),  # dropped exactly by the margin
        (0.875, 0.75, 0.0, True, False),  # improved
        (0.75, 0.75, 0.0, True, False),  # equal
        (0.75, 0.5, 0.125, False, True),  # error grew by 0.25
        (0.5, 0.75, 0.0, False, False),  # error shrank
        (None, 0.75, 0.0, True, False),
        (0.5, None, 0.0, True, False),
        (float("nan"), 0.75, 0.0, True, False),
        (0.5, float("nan"), 0.0, False, False),
    ],
)
def test_is_worse(new, old, margin, higher, expected):
    assert is_worse(new, old, margin, higher_is_better=higher) is expected


def test_training_result_score_and_defaults():
    a = TrainingResult(model=None, metrics={"auc": 0.8}, primary_metric="auc")
    b = TrainingResult(model=None, metrics={}, primary_metric="auc")
    assert a.score == 0.8 and b.score is None
    assert a.higher_is_better is True and a.n_rows == 0
    a.report["x"] = 1
    assert b.report == {}


def test_training_result_is_json_safe():
    import json

    import numpy as np

    from pyme_ai.training import TrainingResult

    result = TrainingResult(
        model=None,
        metrics={"rmsse": np.float64("nan"), "n": np.int64(3)},
        primary_metric="rmsse",
        report={"methods": {"ma3": [np.float32(0.5), float("inf")]}},
    )
    assert result.metrics == {"rmsse": None, "n": 3}
    assert result.report == {"methods": {"ma3": [0.5, None]}}
    assert result.score is None
    json.dumps(result.metrics, allow_nan=False)


# ------------------------------------------------------- names, directions, sklearn
def test_sklearn_metrics_are_plain_floats_and_match_sklearn():
    from sklearn.metrics import brier_score_loss
    from sklearn.metrics import log_loss as sk_log_loss

    rng = np.random.default_rng(11)
    y = rng.integers(0, 2, size=200)
    p = rng.random(200)
    for ours, theirs in (
        (ev.roc_auc_score(y, p), roc_auc_score(y, p)),
        (ev.brier_score_loss(y, p), brier_score_loss(y, p)),
        (ev.log_loss(y, p), sk_log_loss(y, p)),
    ):
        assert type(ours) is float
        assert ours == pytest.approx(theirs, abs=1e-12)


def test_metric_directions():
    assert ev.direction("auc") == "higher"
    assert ev.direction("brier") == "lower"
    assert ev.direction("log_loss") == "lower"
    assert ev.direction("lift_10") == ev.direction("lift_30") == "higher"
    assert ev.direction("rmsse") == ev.direction("mase") == "lower"
    assert ev.direction("pinball_0.9") == "lower"
    assert ev.direction("n") is None and ev.direction("positive_rate") is None
    assert ev.direction("coverage_0.9") is None
    assert set(ev.METRIC_DIRECTIONS.values()) == {"higher", "lower"}


def test_report_keys_say_their_direction():
    report = ev.classification_report([1, 0, 1, 0], [0.9, 0.2, 0.6, 0.5])
    assert {k: ev.direction(k) for k in report} == {
        "auc": "higher",
        "brier": "lower",
        "log_loss": "lower",
        "lift_10": "higher",
        "lift_20": "higher",
        "n": None,
        "positive_rate": None,
    }


# -------------------------------------------------------------- row-wise forecasting
def _series():
    rng = np.random.default_rng(4)
    history = rng.poisson(5, size=(6, 20)).astype(float)
    history[2] = 3.0  # constant: scale 0 -> nan
    actual = rng.poisson(5, size=(6, 4)).astype(float)
    forecast = rng.random((6, 4)) * 8
    return history, actual, forecast


def test_row_wise_scaled_errors_match_the_scalar_form():
    history, actual, forecast = _series()
    rmsse = ev.rmsse_error(actual, forecast, history, axis=1)
    mase = ev.mase_error(actual, forecast, history, axis=1)
    assert rmsse.shape == mase.shape == (6,)
    for i in range(6):
        for rows, scalar in ((rmsse, ev.rmsse_error), (mase, ev.mase_error)):
            one = scalar(actual[i], forecast[i], history[i])
            if math.isnan(one):
                assert math.isnan(rows[i]) and i == 2
            else:
                assert rows[i] == pytest.approx(one)


def test_row_wise_scaled_errors_with_given_scales():
    history, actual, forecast = _series()
    mse_scale = ev.naive_scale(history, squared=True, axis=1)
    mae_scale = ev.naive_scale(history, axis=1)
    assert mse_scale[2] == 0.0
    by_scale = ev.rmsse_error(actual, forecast, scale=mse_scale, axis=1)
    np.testing.assert_allclose(
        by_scale, ev.rmsse_error(actual, forecast, history, axis=1)
    )
    # the formula of the demand backtest (its scales are nan where 0)
    known = np.where(mse_scale > 0, mse_scale, np.nan)
    expected = np.sqrt(np.mean((actual - forecast) ** 2, axis=1) / known)
    np.testing.assert_array_equal(by_scale, expected)
    mase = ev.mase_error(actual, forecast, scale=mae_scale, axis=1)
    assert math.isnan(mase[2])
    assert mase[0] == pytest.approx(
        np.mean(np.abs(actual[0] - forecast[0])) / mae_scale[0]
    )
    unknown = ev.rmsse_error(actual, forecast, scale=np.full(6, np.nan), axis=1)
    assert np.isnan(unknown).all()


def test_scaled_errors_need_history_or_scale_and_matching_shapes():
    with pytest.raises(EvaluationError, match="history or its scale"):
        ev.rmsse_error([1, 2], [1, 2])
    with pytest.raises(EvaluationError, match="shape"):
        ev.rmsse_error(np.ones((2, 3)), np.ones((2, 2)), scale=[1, 1], axis=1)
    with pytest.raises(EvaluationError, match="more than 1 values"):
        ev.mase_error(np.ones((2, 3)), np.ones((2, 3)), np.ones((2, 1)), axis=1)
    assert ev.rmsse_error([4, 6], [5, 3], scale=14 / 3) == pytest.approx(1.0350983)


def test_row_wise_pinball_and_coverage():
    __, actual, forecast = _series()
    pin = ev.pinball_loss(actual, forecast, 0.9, axis=1)
    cov = ev.coverage_score(actual, forecast, axis=1)
    for i in range(6):
        assert pin[i] == pytest.approx(ev.pinball_loss(actual[i], forecast[i], 0.9))
        assert cov[i] == pytest.approx(ev.coverage_score(actual[i], forecast[i]))
    assert type(ev.pinball_loss([1, 2], [2, 2], 0.5)) is float
    assert type(ev.coverage_score([1, 2], [2, 2])) is float
