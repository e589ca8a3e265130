"""One projection drives every stock figure: the contradicting case of issue 14 and
probabilities shown in whole percents."""

import datetime as dt

import numpy as np
import pytest

from pyme_ai.demand import DemandModel, plan
from pyme_ai.demand.projection import LEVELS, format_probability, project

TODAY = dt.date(2026, 12, 1)


def _consistent(row):
    """Every figure read from the same projection agrees with the others."""
    days = row["days_to_stockout"]
    assert row["days_of_cover"] == days
    if days is not None:
        assert row["stockout_date"] == row["today"] + dt.timedelta(days=days)
        assert row["stockout_by_day"][days] > 0.5
        assert (row["stockout_by_day"][:days] <= 0.5).all()
    lead = int(np.ceil(row["lead_time_days"]))
    # the stock-out date falls within the lead time exactly when being out some day
    # of the lead time is more likely than not
    assert row["stockout_within_lead"] == (row["stockout_probability"] > 0.5)
    # the 0.9 path at or above zero through the lead time: at most a 10 % risk
    if (row["stock"][0.9][: lead + 1] >= 0).all():
        assert row["stockout_probability"] <= 0.1 + 1e-9
    # the median path below zero on the stock-out day, never before
    if days is not None:
        assert row["stock"][0.5][days] < 0
        assert (row["stock"][0.5][:days] >= 0).all()


def test_the_contradicting_case_of_the_issue_is_consistent():
    # 3 a day, 9 on hand, a receipt of 35 that should have arrived 4 days ago (late,
    # still open) and one of 10 in 20 days; supplier lead time 16 days
    model = DemandModel.constant(["p"], 3.0, "D", first_day=TODAY)
    receipts = [[(TODAY - dt.timedelta(days=4), 35), (TODAY + dt.timedelta(20), 10)]]
    (row,) = project(model, ["p"], [9], [16], receipts, 0.95, 7, TODAY, 28)
    _consistent(row)
    # the late receipt counts from today in every figure: 44 units at 3 a day
    assert row["late_qty"] == 35
    assert row["available"][0] == 44
    assert 13 <= row["days_to_stockout"] <= 15
    assert row["stockout_within_lead"] and row["stockout_probability"] > 0.5
    assert row["inventory_position"] == 54
    # without the late receipt: out within days, certain within the lead time
    (bare,) = project(model, ["p"], [9], [14], [[]], 0.95, 7, TODAY, 28)
    _consistent(bare)
    assert bare["days_to_stockout"] <= 4 and bare["stockout_probability"] > 0.99


@pytest.mark.parametrize("on_hand", [-2, 0, 3, 12, 40, 200])
@pytest.mark.parametrize("lead", [0, 3, 14, 30])
def test_figures_never_contradict_each_other(on_hand, lead):
    model = DemandModel.constant(
        ["a", "b"], [1.5, 0.2], "D", first_day=TODAY, dispersion=[1.0, 4.0]
    )
    receipts = [[(TODAY + dt.timedelta(days=5), 10)], [(TODAY, 3)]]
    for row in project(model, ["a", "b"], on_hand, lead, receipts, 0.9, 7, TODAY, 60):
        _consistent(row)
        assert set(row["stock"]) == set(LEVELS)


def test_plan_reads_its_figures_from_the_projection():
    model = DemandModel.constant(["p"], 3.0, "D", first_day=TODAY)
    receipts = [[(TODAY - dt.timedelta(days=4), 35)]]
    (row,) = plan(model, ["p"], [9], receipts, [14], TODAY, horizon_days=28)
    (proj,) = project(model, ["p"], [9], [14], receipts, 0.95, 7, TODAY, 28)
    for key in ("stockout_date", "days_of_cover", "stockout_probability"):
        assert row[key] == proj[key]
    assert row["reorder_point"] == proj["reorder_point"]
    assert row["reorder_point"] == pytest.approx(
        row["lead_demand"] + row["safety_stock"]
    )
    assert row["max_level"] == pytest.approx(
        row["reorder_point"] + row["review_demand"]
    )
    chart = row["chart"]
    assert chart["days"][0] == 0 and chart["days"][-1] == 28
    assert len(chart["p50"]) == len(chart["p90"]) == len(chart["days"])
    assert all(lo <= hi for lo, hi in zip(chart["p90"], chart["p50"], strict=True))
    assert chart["receipts"] == [[0, 35.0]]


def test_order_multiple_and_vendor_minimum():
    model = DemandModel.constant(["p", "q"], 2.0, "D", first_day=TODAY)
    rows = project(
        model,
        ["p", "q"],
        [0, 0],
        [7, 7],
        None,
        0.95,
        7,
        TODAY,
        28,
        order_multiple=[12, 0],
        vendor_min=[0, 100],
    )
    assert rows[0]["order_qty"] % 12 == 0 and rows[0]["order_qty"] >= 34
    assert rows[1]["order_qty"] == 100


@pytest.mark.parametrize(
    "p,text",
    [
        (0.0, "< 1 %"),
        (0.000002, "< 1 %"),
        (0.4, "40 %"),
        (0.997708, "> 99 %"),
        (1.0, "> 99 %"),
        (0.015, "2 %"),
    ],
)
def test_probabilities_in_whole_percents(p, text):
    assert format_probability(p) == text
