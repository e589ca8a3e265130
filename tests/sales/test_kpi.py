"""Sales KPIs (pyme_ai.sales.kpi)."""

from datetime import date, datetime

import pytest

from pyme_ai.sales import (
    acted_on_share,
    response_time,
    sales_cycle,
    stage_funnel,
    win_rate,
)


def test_response_time():
    created = [datetime(2024, 5, 6, 9, 0)] * 4
    first = [
        datetime(2024, 5, 6, 10, 0),  # 1 h
        datetime(2024, 5, 6, 12, 0),  # 3 h
        datetime(2024, 5, 7, 9, 0),  # 24 h
        None,
    ]
    assert response_time(created, first) == {
        "median_hours": 3.0,
        "p75_hours": 13.5,
        "n": 4,
        "n_responded": 3,
        "n_without_response": 1,
    }
    assert response_time([], [])["median_hours"] is None


def test_win_rate():
    assert win_rate([True, False, True, None, True]) == {
        "won": 3,
        "lost": 1,
        "n_closed": 4,
        "rate": 0.75,
    }
    assert win_rate([None])["rate"] is None


def test_sales_cycle():
    created = [date(2024, 1, 1)] * 4
    closed = [date(2024, 1, 11), date(2024, 1, 21), date(2024, 2, 1), None]
    won = [True, True, False, True]
    assert sales_cycle(created, closed, won) == {
        "median_days": 15.0,
        "p25_days": 12.5,
        "p75_days": 17.5,
        "n": 2,
    }
    assert sales_cycle(created, closed)["median_days"] == 20.0
    assert sales_cycle([], [])["n"] == 0


def test_stage_funnel():
    stages = ["New", "Qualified", "Proposal", "Won"]
    furthest = ["New"] * 4 + ["Qualified"] * 3 + ["Proposal"] * 2 + ["Won"]
    rows = stage_funnel(furthest, stages)
    assert [r["reached"] for r in rows] == [10, 6, 3, 1]
    assert [r["from_previous"] for r in rows] == [1.0, 0.6, 0.5, round(1 / 3, 4)]
    assert [r["from_start"] for r in rows] == [1.0, 0.6, 0.3, 0.1]
    with pytest.raises(ValueError, match="unknown stages"):
        stage_funnel(["Lost"], stages)
    assert stage_funnel([], stages)[0] == {
        "stage": "New",
        "reached": 0,
        "from_previous": None,
        "from_start": None,
    }


def test_acted_on_share():
    scored = [datetime(2024, 5, 6, 9)] * 4
    action = [
        datetime(2024, 5, 6, 15),  # 6 h later
        datetime(2024, 5, 10, 9),  # 4 days later
        datetime(2024, 5, 5, 9),  # before the score: doesn't count
        None,
    ]
    assert acted_on_share(scored, action) == {
        "n": 4,
        "acted": 2,
        "share": 0.5,
        "median_hours_to_action": 51.0,
    }
    assert acted_on_share(scored, action, within_days=2)["acted"] == 1
    assert acted_on_share([], [])["share"] is None
