"""The demand plan (what Odoo stores per product and warehouse) and the estimator
protocol of DemandModel, on hand-checkable numbers."""

import datetime as dt
import math
import pickle
import subprocess
import sys

import numpy as np
import pytest

from pyme_ai import persistence
from pyme_ai.base import Estimator, NotFittedError, PymeAiError
from pyme_ai.demand import (
    DEMAND_CLASSES,
    DemandDataError,
    DemandError,
    DemandModel,
    evaluate,
    history_from_matrix,
    plan,
)
from pyme_ai.demand.plan import chart_periods


def _poisson_cdf(k, lam):
    return sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(int(k) + 1))


@pytest.fixture
def daily():
    # 2 a day for a and c, nothing for z; Poisson demand
    return DemandModel.constant(["a", "c", "z"], [2.0, 2.0, 0.0], "D", "2024-01-01")


def test_plan_hand_computed(daily):
    rows = plan(
        daily,
        ["a", "c", "z", "unknown"],
        on_hand=[10, 10, 5, -3],
        incoming=[[], [(dt.date(2024, 1, 5), 20)], None, [(dt.date(2024, 2, 1), 4)]],
        lead_days=[7, 7, 3, 7],
        today=dt.date(2024, 1, 1),
        service_level=0.95,
        review_days=7,
        horizon_days=14,
    )
    a, c, z, unknown = rows
    assert [r["item"] for r in rows] == ["a", "c", "z", "unknown"]
    # a: 10 on hand at 2 a day -> more likely out than not from day 6, before the
    # 7-day lead time
    assert a["daily_demand"] == 2.0 and a["forecast_qty"] == 28.0
    assert a["stockout_date"] == dt.date(2024, 1, 7)
    assert a["stockout_within_lead"] is True
    assert a["days_of_cover"] == 6
    assert a["stockout_probability"] == pytest.approx(1 - _poisson_cdf(10, 14))
    # Poisson(14) 95 % quantile 20; max = 20 + 7 days of demand; order up to max
    assert a["reorder_point"] == 20 and a["max_level"] == 34
    assert a["order_qty"] == 34 - 10
    assert a["on_hand"] == 10 and a["incoming_qty"] == 0 and a["lead_time_days"] == 7
    assert a["demand_class"] == "smooth" and a["method"] == "given"
    assert a["forecast_error"] is None
    assert a["chart"]["mean"] == [2.0] * 14
    assert a["chart"]["days"] == list(range(15))
    # c: 20 arrive on day 4 -> 30 likely out from day 16, beyond the 14 days
    # projected (horizon, and lead time + review): no date; position 30 > reorder
    # point 20: no order
    assert c["incoming_qty"] == 20
    assert c["stockout_date"] is None and c["days_of_cover"] is None
    assert c["stockout_within_lead"] is False and c["order_qty"] == 0
    # z: no demand, nothing runs out
    assert z["stockout_date"] is None and z["days_of_cover"] is None
    assert z["stockout_probability"] == 0 and z["order_qty"] == 0
    assert z["chart"]["mean"] == [0.0] * 14
    # unknown: defaults; negative stock is a certain stock-out
    assert unknown == {
        "item": "unknown",
        "daily_demand": 0.0,
        "forecast_qty": 0.0,
        "on_hand": -3.0,
        "incoming_qty": 4.0,
        "lead_time_days": 7.0,
        "stockout_date": None,
        "stockout_probability": 1.0,
        "days_of_cover": None,
        "stockout_within_lead": False,
        "reorder_point": 0.0,
        "max_level": 0.0,
        "order_qty": 0.0,
        "demand_class": "none",
        "method": "none",
        "forecast_error": None,
        "baseline_error": None,
        "chart": {"mean": [0.0] * 14},
    }


def test_plan_weekly_chart_covers_the_horizon_in_weeks():
    model = DemandModel.constant(["w"], 14.0, "W", "2024-01-01")
    assert chart_periods(model, 28) == 4 and chart_periods(model, 30) == 5
    assert chart_periods(model, 1) == 1
    (row,) = plan(model, ["w"], [100], [[]], [0], horizon_days=28)
    assert row["daily_demand"] == pytest.approx(2.0)
    assert row["forecast_qty"] == pytest.approx(56.0)
    assert row["chart"]["mean"] == [14.0] * 4
    # 100 on hand at 2 a day lasts beyond the 28 days projected
    assert row["days_of_cover"] is None and row["stockout_date"] is None
    (short,) = plan(model, ["w"], [30], [[]], [0], horizon_days=28)
    assert 14 <= short["days_of_cover"] <= 16
    # zero lead time: nothing can run out before a replenishment arrives
    assert row["stockout_within_lead"] is False


def test_plan_rejects_mismatched_inputs(daily):
    with pytest.raises(DemandError, match="one entry per item"):
        plan(daily, ["a", "c"], [1], [[], []], [1, 1])
    with pytest.raises(NotFittedError):
        plan(DemandModel(), ["a"], [1], [[]], [1])


def test_demand_classes_vocabulary():
    assert [code for code, __ in DEMAND_CLASSES] == [
        "smooth",
        "erratic",
        "intermittent",
        "lumpy",
        "none",
    ]
    assert dict(DEMAND_CLASSES)["none"] == "No Demand"


# ---------------------------------------------------------------- estimator protocol
def _history(n=30, periods=120, seed=0):
    rng = np.random.default_rng(seed)
    values = rng.poisson(rng.uniform(0.5, 4, (n, 1)), (n, periods)).astype(float)
    return history_from_matrix(
        [f"i{k}" for k in range(n)], values, "D", np.full(n, 19_000)
    )


def test_constructor_only_stores_hyperparameters():
    model = DemandModel(freq="W", horizon=-1, quantiles=(2,))  # checked at fit
    assert isinstance(model, Estimator) and model.kind == "demand_forecast"
    assert model.get_params() == {
        "freq": "W",
        "horizon": -1,
        "quantiles": (2,),
        "max_periods": None,
        "n_backtest": 4,
    }
    assert not model.is_fitted
    with pytest.raises(NotFittedError):
        model.predict()
    with pytest.raises(PymeAiError):
        model.set_params(alpha=1)


def test_fit_returns_self_and_predict_and_score():
    full = _history()
    train = full.truncate(14)
    model = DemandModel(horizon=14)
    assert model.fit(train) is model and model.is_fitted
    assert model.freq_ == "D" and model.n_items == 30
    point = model.predict()
    assert point.shape == (30, 14) and (point >= 0).all()
    assert model.predict(["i3"], horizon=3).shape == (1, 3)
    with pytest.raises(DemandError, match="not in the model"):
        model.predict(["nope"])
    # score: mean RMSSE on the 14 days after the training end, by hand per item
    from pyme_ai.evaluation import rmsse_error

    by_hand = [
        rmsse_error(full.values[i, -14:], point[i], full.values[i, full.start[i] : -14])
        for i in range(30)
    ]
    assert model.score(full) == pytest.approx(np.nanmean(by_hand))
    with pytest.raises(DemandError, match="can be scored"):
        model.score(train)  # no periods after the fit
    with pytest.raises(DemandError, match="the model W"):
        DemandModel(freq="W").fit(full)


def test_evaluate_refits_on_all_rows_and_reports_the_backtest():
    history = _history()
    result = evaluate(history, horizon=14, quantiles=(0.5, 0.9))
    alone = DemandModel(horizon=14, quantiles=(0.5, 0.9)).fit(history)
    assert np.array_equal(result.model.predict(), alone.predict())
    assert result.primary_metric == "rmsse" and not result.higher_is_better
    assert result.metrics["n_items"] == 30 and 0 < result.score < 3
    assert set(result.metrics) >= {"rmsse", "mase", "pinball_0.9", "coverage_0.9"}


def test_saved_model_round_trip_and_errors_are_pyme_ai_errors():
    model = DemandModel(horizon=7).fit(_history(n=5, periods=60))
    again = pickle.loads(pickle.dumps(model))
    assert np.array_equal(again.predict(), model.predict())
    blob = persistence.dumps(model, "key")
    assert np.array_equal(persistence.loads(blob, "key").predict(), model.predict())
    assert issubclass(DemandError, PymeAiError)
    assert issubclass(DemandDataError, DemandError)


def test_no_import_cycle_between_model_and_stockout():
    # each module imports on its own in a fresh interpreter
    for module in ("stockout", "plan", "model"):
        code = f"import pyme_ai.demand.{module}"
        subprocess.run([sys.executable, "-c", code], check=True)
    import pyme_ai.demand.stockout as stockout_module

    assert "model" not in {
        name.rsplit(".", 1)[-1]
        for name in vars(stockout_module)
        if isinstance(name, str)
    }
