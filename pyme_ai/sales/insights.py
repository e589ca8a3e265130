"""Plain-language findings computed from data, each with its numbers and sample size.

Every finding is ``{"code", "params", "sample_size", "text_en"}``: the Odoo side
translates from ``code`` + ``params`` (``text_en`` is a convenience). Nothing is said
below a minimum sample, and rate differences must pass a two-proportion z-test
(``z_min``, default 1.96 ~ 5 % two-sided) and a lift threshold.

codes:
- ``source_wins_more`` / ``source_wins_less``: a lead source's win rate vs the rest.
- ``stage_stalls``: a stage whose median days is >= ``min_ratio`` x the median of all
  stage intervals.
- ``salesperson_activity_wins_more``: a salesperson wins more when the first
  activity is of a given type than with their other first activities.
"""

from __future__ import annotations

import numpy as np

from .utils import DAY, dates_array, p_value_two_sided, pct, plain, two_proportion_z

DEFAULT_MIN_N = 20
DEFAULT_MIN_LIFT = 1.25
DEFAULT_Z = 1.96


def _finding(code, params, sample_size, text):
    return {
        "code": code,
        "params": params,
        "sample_size": int(sample_size),
        "text_en": text,
    }


def _groups(values):
    index = {}
    for i, v in enumerate(values):
        index.setdefault(plain(v), []).append(i)
    return index


def source_insights(
    sources, won, *, min_n=DEFAULT_MIN_N, min_lift=DEFAULT_MIN_LIFT, z_min=DEFAULT_Z
):
    """Sources whose win rate differs from the other sources' (closed deals only).

    ``won`` is True/False per closed deal (None = still open, ignored). A source
    needs ``min_n`` closed deals and the rest ``min_n`` too. Findings are sorted by
    lift, best first; ``params``: source, win_rate, won, n, rest_win_rate,
    rest_won, rest_n, overall_rate, lift, z, p_value.
    """
    rows = [(s, w) for s, w in zip(sources, won, strict=True) if w is not None]
    if not rows:
        return []
    src = [r[0] for r in rows]
    y = np.array([bool(r[1]) for r in rows], dtype=float)
    n_all, won_all = len(rows), float(y.sum())
    overall = won_all / n_all
    findings = []
    for source, idx in _groups(src).items():
        n, w = len(idx), float(y[idx].sum())
        rest_n, rest_w = n_all - n, won_all - w
        if n < min_n or rest_n < min_n or overall in (0.0, 1.0):
            continue
        rate, rest_rate = w / n, rest_w / rest_n
        z = two_proportion_z(w, n, rest_w, rest_n)
        lift = rate / rest_rate if rest_rate else float("inf")
        more = z >= z_min and lift >= min_lift
        less = z <= -z_min and rate * min_lift <= rest_rate
        if not (more or less):
            continue
        params = {
            "source": source,
            "win_rate": round(rate, 4),
            "won": int(w),
            "n": n,
            "rest_win_rate": round(rest_rate, 4),
            "rest_won": int(rest_w),
            "rest_n": rest_n,
            "overall_rate": round(overall, 4),
            "lift": round(lift, 3) if rest_rate else None,
            "z": round(z, 3),
            "p_value": round(p_value_two_sided(z), 5),
        }
        verb = "win more" if more else "win less"
        text = (
            f"Deals from {source} {verb}: {pct(rate)} won ({int(w)} of {n}) vs "
            f"{pct(rest_rate)} for other sources ({int(rest_w)} of {rest_n})."
        )
        code = "source_wins_more" if more else "source_wins_less"
        findings.append(_finding(code, params, n_all, text))
    findings.sort(key=lambda f: -f["params"]["win_rate"])
    return findings


def stage_stall_insights(intervals, *, min_n=DEFAULT_MIN_N, min_ratio=1.5):
    """Stages where deals stay much longer than in stages overall.

    ``intervals``: ``(lead, stage, entered, left)`` (open ones ignored). A stage
    needs ``min_n`` finished intervals. ``params``: stage, median_days,
    overall_median_days, ratio, n, overall_n. Slowest stage first.
    """
    rows = list(intervals)
    days = (dates_array([r[3] for r in rows]) - dates_array([r[2] for r in rows])) / DAY
    keep = ~np.isnan(days) & (days >= 0)
    stages = [plain(r[1]) for r, k in zip(rows, keep, strict=True) if k]
    days = days[keep]
    if days.size == 0:
        return []
    overall = float(np.median(days))
    findings = []
    for stage, idx in _groups(stages).items():
        if len(idx) < min_n:
            continue
        median = float(np.median(days[idx]))
        ratio = median / overall if overall > 0 else (float("inf") if median else 1.0)
        if ratio < min_ratio:
            continue
        params = {
            "stage": stage,
            "median_days": round(median, 1),
            "overall_median_days": round(overall, 1),
            "ratio": round(ratio, 2) if overall > 0 else None,
            "n": len(idx),
            "overall_n": int(days.size),
        }
        text = (
            f"Deals stall in stage {stage}: median {median:.0f} days there vs "
            f"{overall:.0f} days per stage overall ({len(idx)} deals)."
        )
        findings.append(_finding("stage_stalls", params, days.size, text))
    findings.sort(key=lambda f: -f["params"]["median_days"])
    return findings


def salesperson_activity_insights(
    salespeople,
    first_activity_types,
    won,
    *,
    min_n=10,
    min_lift=DEFAULT_MIN_LIFT,
    z_min=DEFAULT_Z,
):
    """Per salesperson: first-activity types after which they win clearly more.

    Compares deals whose first activity is of type T with the same salesperson's
    deals with another (known) first activity; both sides need ``min_n`` closed
    deals. ``params``: salesperson, activity_type, win_rate, won, n,
    other_win_rate, other_won, other_n, lift, z, p_value.
    """
    rows = [
        (s, t, w)
        for s, t, w in zip(salespeople, first_activity_types, won, strict=True)
        if w is not None and t is not None
    ]
    findings = []
    for person, idx in _groups([r[0] for r in rows]).items():
        sub = [rows[i] for i in idx]
        y = np.array([bool(r[2]) for r in sub], dtype=float)
        n_all, won_all = len(sub), float(y.sum())
        for kind, kidx in _groups([r[1] for r in sub]).items():
            n, w = len(kidx), float(y[kidx].sum())
            other_n, other_w = n_all - n, won_all - w
            if n < min_n or other_n < min_n:
                continue
            rate, other_rate = w / n, other_w / other_n
            z = two_proportion_z(w, n, other_w, other_n)
            if z < z_min or rate < min_lift * other_rate:
                continue
            params = {
                "salesperson": person,
                "activity_type": kind,
                "win_rate": round(rate, 4),
                "won": int(w),
                "n": n,
                "other_win_rate": round(other_rate, 4),
                "other_won": int(other_w),
                "other_n": other_n,
                "lift": round(rate / other_rate, 3) if other_rate else None,
                "z": round(z, 3),
                "p_value": round(p_value_two_sided(z), 5),
            }
            text = (
                f"{person} wins more when the first activity is a {kind}: "
                f"{pct(rate)} ({int(w)} of {n}) vs {pct(other_rate)} otherwise "
                f"({int(other_w)} of {other_n})."
            )
            findings.append(
                _finding("salesperson_activity_wins_more", params, n_all, text)
            )
    return findings
