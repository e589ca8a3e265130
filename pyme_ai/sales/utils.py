"""Shared helpers: dates to numpy, JSON-safe numbers, rate tests."""

from __future__ import annotations

import math
from datetime import date, datetime, timezone

import numpy as np

DAY = np.timedelta64(1, "D")


def to_datetime64(value):
    """One date/datetime/ISO string/None as ``datetime64[s]`` (NaT when missing).

    Aware datetimes are converted to UTC and made naive, so callers should pass all
    naive local times or all aware ones.
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return np.datetime64("NaT", "s")
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(timezone.utc).replace(tzinfo=None)
        return np.datetime64(value, "s")
    if isinstance(value, date):
        return np.datetime64(value, "D").astype("datetime64[s]")
    if isinstance(value, np.datetime64):
        return value.astype("datetime64[s]")
    text = str(value).strip()
    if not text:
        return np.datetime64("NaT", "s")
    return np.datetime64(text.replace(" ", "T"), "s")


def dates_array(values):
    """``datetime64[s]`` array from an iterable of dates (see :func:`to_datetime64`)."""
    return np.array([to_datetime64(v) for v in values], dtype="datetime64[s]")


def days_between(start, end):
    """Elapsed days (float array, NaN when either side is missing)."""
    return (dates_array(end) - dates_array(start)) / DAY


def as_float(value, ndigits=None):
    """Plain float (None for None/NaN), optionally rounded."""
    if value is None:
        return None
    value = float(value)
    if math.isnan(value):
        return None
    return round(value, ndigits) if ndigits is not None else value


def plain(value):
    """numpy scalars to plain Python (keys and labels coming back from np.unique)."""
    return value.item() if isinstance(value, np.generic) else value


def two_proportion_z(won_a, n_a, won_b, n_b):
    """z statistic of rate a vs rate b (pooled); 0.0 when undefined."""
    if n_a == 0 or n_b == 0:
        return 0.0
    pooled = (won_a + won_b) / (n_a + n_b)
    var = pooled * (1.0 - pooled) * (1.0 / n_a + 1.0 / n_b)
    if var <= 0:
        return 0.0
    return (won_a / n_a - won_b / n_b) / math.sqrt(var)


def p_value_two_sided(z):
    return math.erfc(abs(z) / math.sqrt(2.0))


def pct(rate):
    return f"{100 * rate:.0f}%"
