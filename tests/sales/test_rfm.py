"""RFM customer segments (pyme_ai.sales.rfm)."""

import json
from datetime import date, timedelta

import pytest

from pyme_ai.sales import SEGMENTS, quintile_scores, rfm_segments, segment_for

AS_OF = date(2024, 6, 30)


def test_quintile_scores():
    assert quintile_scores([10, 20, 30, 40, 50]).tolist() == [1, 2, 3, 4, 5]
    assert quintile_scores(range(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert quintile_scores([7]).tolist() == [3]
    assert quintile_scores([2, 2, 2]).tolist() == [3, 3, 3]
    # ties share their average rank: 1,1,1,1 -> rank 2.5 of 5 -> ceil(5 * 2 / 5) = 2
    assert quintile_scores([1, 1, 1, 1, 5]).tolist() == [2, 2, 2, 2, 5]
    assert quintile_scores([3, 1, 2], higher_is_better=False).tolist() == [1, 5, 3]
    assert quintile_scores([]).tolist() == []


def _orders(customer, n, last, total):
    """n orders ending on ``last``, one week apart, summing to ``total``."""
    return [(customer, last - timedelta(days=7 * i), total / n) for i in range(n)]


def test_rfm_segments_hand_built():
    rows = (
        _orders("A", 10, date(2024, 6, 25), 10000)  # frequent, big, recent
        + _orders("B", 1, date(2024, 6, 28), 50)  # one recent small order
        + _orders("C", 8, date(2024, 1, 10), 8000)  # was big, silent since January
        + _orders("D", 1, date(2023, 1, 1), 20)  # one old small order
        + _orders("E", 4, date(2024, 5, 15), 1500)  # middle of the road
        + [("A", date(2024, 7, 5), 999999)]  # after as_of: ignored
    )
    customers, dates, amounts = zip(*rows, strict=True)
    out = rfm_segments(customers, dates, amounts, as_of=AS_OF)
    by = {r["customer"]: r for r in out}
    # recency B 2 < A 5 < E 46 < C 172 < D 546 -> R 5, 4, 3, 2, 1
    # frequency A 10 > C 8 > E 4 > B = D = 1 -> F 5, 4, 3, 1, 1 (tie rank 1.5)
    # monetary A > C > E > B > D -> M 5, 4, 3, 2, 1
    assert {c: (r["r"], r["f"], r["m"]) for c, r in by.items()} == {
        "A": (4, 5, 5),
        "B": (5, 1, 2),
        "C": (2, 4, 4),
        "D": (1, 1, 1),
        "E": (3, 3, 3),
    }
    assert {c: r["segment"] for c, r in by.items()} == {
        "A": "champions",
        "B": "new",
        "C": "cant_lose",
        "D": "lost",
        "E": "loyal",
    }
    assert by["A"] == {
        "customer": "A",
        "recency_days": 5.0,
        "frequency": 10,
        "monetary": 10000.0,
        "r": 4,
        "f": 5,
        "m": 5,
        "segment": "champions",
    }
    assert [r["customer"] for r in out] == ["A", "B", "C", "D", "E"]
    json.dumps(out)


def test_refunds_and_single_customer():
    out = rfm_segments(
        ["X", "X", "X"],
        [date(2024, 6, 1), date(2024, 6, 10), date(2024, 6, 20)],
        [100.0, 300.0, -50.0],  # a refund lowers monetary but is not a purchase
        as_of=AS_OF,
    )
    assert out == [
        {
            "customer": "X",
            "recency_days": 10.0,
            "frequency": 2,
            "monetary": 350.0,
            "r": 3,
            "f": 3,
            "m": 3,
            "segment": "loyal",
        }
    ]
    assert rfm_segments([], [], [], as_of=AS_OF) == []
    with pytest.raises(ValueError):
        rfm_segments(["X"], [], [1.0], as_of=AS_OF)


@pytest.mark.parametrize(
    ("r", "f", "m", "frequency", "segment"),
    [
        (5, 1, 5, 1, "new"),  # one order, however big, is "new"
        (5, 5, 4, 6, "champions"),  # fm = round_half_up(4.5) = 5
        (4, 4, 3, 4, "champions"),  # fm = 4
        (3, 5, 5, 9, "loyal"),
        (4, 3, 3, 3, "loyal"),
        (4, 2, 2, 2, "promising"),
        (2, 5, 4, 9, "cant_lose"),
        (1, 3, 3, 3, "at_risk"),
        (3, 2, 1, 2, "about_to_sleep"),
        (2, 1, 2, 1, "hibernating"),
        (1, 2, 1, 2, "lost"),
    ],
)
def test_segment_rules(r, f, m, frequency, segment):
    assert segment_for(r, f, m, frequency) == segment
    assert segment in SEGMENTS


def test_rfm_scores_from_aggregates_matches_rows():
    from pyme_ai.sales.rfm import rfm_scores

    rows = (
        _orders("A", 10, date(2024, 6, 25), 10000)
        + _orders("B", 1, date(2024, 6, 28), 50)
        + _orders("C", 8, date(2024, 1, 10), 8000)
        + _orders("D", 1, date(2023, 1, 1), 20)
        + _orders("E", 4, date(2024, 5, 15), 1500)
    )
    customers, dates, amounts = zip(*rows, strict=True)
    # per customer: days since the last order, orders, total (as a GROUP BY gives them)
    out = rfm_scores(
        ["A", "B", "C", "D", "E"],
        [5, 2, 172, 546, 46],
        [10, 1, 8, 1, 4],
        [10000, 50, 8000, 20, 1500],
    )
    assert out == rfm_segments(customers, dates, amounts, as_of=AS_OF)
    assert rfm_scores([], [], [], []) == []
    with pytest.raises(ValueError):
        rfm_scores(["A"], [1, 2], [1], [1.0])
