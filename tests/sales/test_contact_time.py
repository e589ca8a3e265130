"""Best time to contact (pyme_ai.sales.contact_time)."""

from datetime import datetime

import pytest

from pyme_ai.sales import best_contact_time, best_contact_time_by

# 2024-05-06 is a Monday
MON, TUE, WED, THU, SAT = 6, 7, 8, 9, 11


def _events(cells):
    """cells: (day, hour, events, successes) -> (timestamps, outcomes)."""
    ts, ys = [], []
    for day, hour, n, s in cells:
        for i in range(n):
            ts.append(datetime(2024, 5, day, hour, 5 * (i % 10)))
            ys.append(i < s)
    return ts, ys


BASE = [(TUE, 9, 10, 8), (MON, 12, 10, 2), (WED, 15, 10, 2), (THU, 18, 10, 2)]


def test_best_cell_hand_computed():
    ts, ys = _events(BASE + [(MON, 22, 30, 30)])  # 22:00 is outside every band
    best = best_contact_time(ts, ys, min_events=40, min_cell=8, prior_strength=10)
    # overall 14/40 = 0.35; Tuesday 8-11: (8 + 10 * 0.35) / (10 + 10) = 0.575
    assert best == {
        "weekday": 1,
        "weekday_code": "tue",
        "band": [8, 11],
        "rate": 0.575,
        "raw_rate": 0.8,
        "events": 10,
        "successes": 8,
        "overall_rate": 0.35,
        "n_events": 40,
        "lift": pytest.approx(0.575 / 0.35, abs=1e-3),
    }


def test_tiny_perfect_cell_does_not_win():
    ts, ys = _events(BASE + [(SAT, 9, 2, 2)])  # 2 of 2 on Saturday morning
    # even allowed as a candidate, smoothing keeps it below Tuesday:
    # overall 16/42; Sat (2 + 10 * 16/42) / 12 = 0.484
    #                < Tue (8 + 10 * 16/42) / 20 = 0.590
    best = best_contact_time(ts, ys, min_events=40, min_cell=1)
    assert best["weekday_code"] == "tue"
    assert best["rate"] == pytest.approx((8 + 10 * 16 / 42) / 20, abs=1e-4)
    # with the default per-cell minimum the Saturday cell is not even a candidate
    assert best_contact_time(ts, ys, min_events=40)["weekday_code"] == "tue"


def test_silent_without_enough_data_or_signal():
    ts, ys = _events(BASE)
    assert best_contact_time(ts, ys, min_events=41) is None
    assert best_contact_time(ts, ys, min_events=40, min_cell=11) is None
    flat_ts, flat_ys = _events([(MON, 9, 20, 5), (TUE, 9, 20, 5)])  # same rate
    assert best_contact_time(flat_ts, flat_ys, min_events=40) is None
    none_ts, none_ys = _events([(MON, 9, 40, 0)])
    assert best_contact_time(none_ts, none_ys, min_events=40) is None
    assert best_contact_time([], []) is None


def test_custom_bands_and_by_group():
    ts, ys = _events(BASE)
    ts2, ys2 = _events([(MON, 9, 5, 1)])
    out = best_contact_time_by(["web"] * 40 + ["fair"] * 5, ts + ts2, ys + ys2)
    assert out["fair"] is None  # 5 events: silent
    assert out["web"]["weekday_code"] == "tue" and out["web"]["n_events"] == 40
    best = best_contact_time(ts, ys, bands=((8, 12), (12, 20)))
    assert best["band"] == [8, 12] and best["n_events"] == 40
    # only the Tuesday 9:xx events fall in a 9-10 band: 10 events, below min_events
    assert best_contact_time(ts, ys, min_cell=1, bands=((9, 10),)) is None


def test_length_mismatch():
    with pytest.raises(ValueError):
        best_contact_time([datetime(2024, 5, 6, 9)], [True, False])
