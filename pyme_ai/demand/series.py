"""Demand histories as an items x periods matrix.

Long input (item, date, quantity) is bucketed into daily (``D``), weekly (``W``, weeks
start on Monday) or monthly (``M``) periods; quantities of one item in one period are
summed and a period without rows is zero demand. Negative period totals (returns
exceeding sales) count as zero.

The matrix is *right-aligned*: column ``T - 1`` is each item's last period (``end``),
so items whose data stops early (wide files with trailing blanks) line up with the
others. An item's history starts at its first non-zero demand (``start``, M5
convention): leading zeros say nothing about a product that was not sold yet. Cells
before ``start`` are zero and ignored.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from ..tabular import to_float
from .checks import DemandDataError

FREQS = ("D", "W", "M")
#: Average length of a period in days (used to turn lead times into periods).
PERIOD_DAYS = {"D": 1.0, "W": 7.0, "M": 365.25 / 12}
#: Seasonal cycle checked per frequency (weekday, week of year, month of year).
SEASON = {"D": 7, "W": 52, "M": 12}
_EPOCH_MONDAY = 3  # 1970-01-01 is a Thursday: day + 3 counts from Monday 1969-12-29
#: Longest span of dates a history may cover: a longer one is a placeholder or mistyped
#: date (9999-12-31, 0001-01-01), refused before the matrix is allocated.
MAX_SPAN_YEARS = 50
#: Largest items x periods matrix :func:`build_history` allocates by default (a float64
#: cell is 8 bytes; fitting needs about 25 times that).
MAX_CELLS = 100_000_000


def check_freq(freq):
    freq = str(freq).upper()
    if freq not in FREQS:
        raise DemandDataError(f"unknown frequency {freq!r}: use D, W or M")
    return freq


def to_days(dates):
    """``datetime64[D]`` array from dates, datetimes, ISO strings or datetime64
    values."""
    if isinstance(dates, np.ndarray) and np.issubdtype(dates.dtype, np.datetime64):
        return dates.astype("datetime64[D]")
    values = list(dates)
    try:
        return np.array(
            [v.date() if isinstance(v, dt.datetime) else v for v in values],
            dtype="datetime64[D]",
        )
    except (ValueError, TypeError):
        pass
    out = np.empty(len(values), dtype="datetime64[D]")
    for i, v in enumerate(values):
        text = str(v).strip()[:10]
        try:
            out[i] = np.datetime64(text, "D")
        except ValueError:
            raise DemandDataError(f"unreadable date {v!r} (use YYYY-MM-DD)") from None
    return out


def period_index(days, freq):
    """Integer period number of each ``datetime64[D]`` value."""
    freq = check_freq(freq)
    if freq == "M":
        return days.astype("datetime64[M]").astype(np.int64)
    d = days.astype(np.int64)
    return d if freq == "D" else (d + _EPOCH_MONDAY) // 7


def period_start(index, freq):
    """First day (``datetime64[D]``) of each period number."""
    index = np.asarray(index, dtype=np.int64)
    if freq == "M":
        return index.astype("datetime64[M]").astype("datetime64[D]")
    if freq == "W":
        return (index * 7 - _EPOCH_MONDAY).astype("datetime64[D]")
    return index.astype("datetime64[D]")


@dataclass
class DemandHistory:
    """Right-aligned demand matrix.

    ``values[i, j]`` is item ``i``'s demand in period ``end[i] - (T - 1 - j)``;
    ``start[i]`` is the column of its first non-zero demand (``T`` when it never sold).
    """

    items: np.ndarray
    values: np.ndarray
    start: np.ndarray
    end: np.ndarray
    freq: str

    @property
    def n_items(self):
        return self.values.shape[0]

    @property
    def n_periods(self):
        return self.values.shape[1]

    def lengths(self):
        """Periods of history per item (from the first sale to the end)."""
        return self.n_periods - self.start

    def truncate(self, periods):
        """The same items without their last ``periods`` periods (for holdouts)."""
        if periods <= 0:
            return self
        values = self.values[:, :-periods]
        return _finish(self.items, values, self.end - periods, self.freq)

    def tail(self, periods):
        """The last ``periods`` columns (the holdout that :meth:`truncate` removes)."""
        return self.values[:, -periods:]

    def dates(self):
        """``datetime64[D]`` start of every column per item (``n x T``)."""
        cols = np.arange(self.n_periods) - (self.n_periods - 1)
        return period_start(self.end[:, None] + cols[None, :], self.freq)


def _finish(items, values, end, freq):
    values = np.maximum(np.nan_to_num(values, nan=0.0), 0.0)
    nonzero = values > 0
    start = np.where(nonzero.any(axis=1), nonzero.argmax(axis=1), values.shape[1])
    values = np.where(
        np.arange(values.shape[1])[None, :] >= start[:, None], values, 0.0
    )
    return DemandHistory(np.asarray(items), values, start.astype(np.int64), end, freq)


def build_history(
    items, dates, quantities, freq="D", end=None, max_periods=None, max_cells=MAX_CELLS
):
    """Bucket long arrays into a :class:`DemandHistory`.

    ``end`` (a date) is the last day of history, and its period the last period of
    every item, unless ``end`` does not close its week or month: then the period
    before is (a partial period would understate demand). Default: the period of
    the latest date given.
    ``max_periods`` keeps only that many most recent periods. Before anything is
    allocated, a span of dates over :data:`MAX_SPAN_YEARS` years or a matrix of more
    than ``max_cells`` items x periods is refused with a DemandDataError.
    """
    freq = check_freq(freq)
    items = np.asarray(items)
    qty = np.asarray(quantities, dtype=float)
    if items.ndim != 1 or qty.shape != items.shape:
        raise DemandDataError("items, dates and quantities must have the same length")
    if items.size == 0:
        raise DemandDataError("the demand history is empty")
    if not np.isfinite(qty).all():
        raise DemandDataError("quantities must be numbers (found blanks or nan)")
    days = to_days(dates)
    if days.shape != items.shape:
        raise DemandDataError("items, dates and quantities must have the same length")
    if np.isnat(days).any():
        raise DemandDataError("dates must not be empty")
    periods = period_index(days, freq)
    end_day = None if end is None else to_days([end])[0]
    if end_day is not None and np.isnat(end_day):
        raise DemandDataError("the end date must not be empty")
    if end is None:
        last = periods.max()
    else:
        last = int(period_index(np.array([end_day]), freq)[0])
        if freq != "D" and period_index(np.array([end_day + 1]), freq)[0] == last:
            last -= 1  # ``end`` does not close its week or month: a partial period
            # would read as a drop in demand, so the history stops before it
    keep = periods <= last
    if not keep.any():
        raise DemandDataError("no demand on or before the end date")
    _check_span(items, days, keep, end_day)
    first = periods[keep].min()
    if max_periods:
        first = max(first, last - int(max_periods) + 1)
        keep &= periods >= first
    width = int(last - first + 1)
    if width < 1:
        raise DemandDataError("no demand on or before the end date")
    labels, inverse = np.unique(items, return_inverse=True)
    if max_cells and labels.size * width > max_cells:
        raise DemandDataError(
            f"the history is too large: {labels.size:,} items x {width:,} {freq}"
            f" periods = {labels.size * width:,} cells (limit {max_cells:,}); use a"
            " coarser frequency (W or M), a later start or fewer items"
        )
    flat = inverse[keep] * width + (periods[keep] - first)
    values = np.bincount(flat, weights=qty[keep], minlength=labels.size * width)
    values = values.reshape(labels.size, width)
    end_arr = np.full(labels.size, last, dtype=np.int64)
    return _finish(labels, values, end_arr, freq)


def _check_span(items, days, keep, end_day):
    """Refuse dates spanning more than MAX_SPAN_YEARS (naming the outlying one)."""
    kept = days[keep]
    lo, hi = int(np.argmin(kept)), int(np.argmax(kept))
    first, last = kept[lo], kept[hi] if end_day is None else end_day
    span = int((last - first).astype(np.int64))
    if span <= MAX_SPAN_YEARS * 365.25:
        return
    median = np.sort(kept)[len(kept) // 2]
    kept_items = np.asarray(items)[keep]
    if end_day is not None and end_day - median > median - first:
        culprit = f"the end date {end_day} is far after the sales"
    elif last - median > median - first:
        culprit = f"item {kept_items[hi]!r} has a date {last}"
    else:
        culprit = f"item {kept_items[lo]!r} has a date {first}"
    raise DemandDataError(
        f"the dates span {first} to {last}, more than {MAX_SPAN_YEARS} years: "
        f"{culprit}; check for placeholder or mistyped dates"
    )


def history_from_matrix(items, values, freq, end_periods):
    """A :class:`DemandHistory` from a right-aligned matrix (nan = no data, read as
    0)."""
    freq = check_freq(freq)
    return _finish(
        np.asarray(items),
        np.asarray(values, dtype=float),
        np.asarray(end_periods),
        freq,
    )


def history_from_wide(table, item_column=None):
    """Wide table (``item``, then one column per period ``YYYY-MM`` or ``YYYY-MM-DD``).

    Blank cells after an item's last value mean "no more data": that item's history
    ends at its last filled column. Blank cells before it are zero demand.
    """
    names = list(table)
    if not names:
        raise DemandDataError("the wide table has no columns")
    item_column = item_column or names[0]
    if item_column not in table:
        raise DemandDataError(f"unknown column {item_column!r}")
    period_cols = [c for c in names if c != item_column]
    if not period_cols:
        raise DemandDataError("the wide table has no period columns")
    monthly = all(len(c.strip()) == 7 for c in period_cols)
    freq = "M" if monthly else "D"
    try:
        days = to_days([c.strip() + ("-01" if monthly else "") for c in period_cols])
    except DemandDataError:
        raise DemandDataError(
            "wide period columns must be dates (YYYY-MM or YYYY-MM-DD)"
        ) from None
    idx = period_index(days, freq)
    if monthly is False and len(idx) > 1:
        step = np.diff(idx)
        if np.all(step == 7):
            freq, idx = "W", period_index(days, "W")
        elif not np.all(step == 1):
            raise DemandDataError(
                "wide period columns must be consecutive days, weeks or months"
            )
    if len(idx) > 1 and not np.all(np.diff(idx) == 1):
        raise DemandDataError("wide period columns must be consecutive periods")
    raw = np.array(
        [[to_float(v) for v in table[c]] for c in period_cols], dtype=float
    ).T
    filled = ~np.isnan(raw)
    n, width = raw.shape
    last_col = np.where(
        filled.any(axis=1), width - 1 - filled[:, ::-1].argmax(axis=1), -1
    )
    keep = last_col >= 0
    raw, last_col = raw[keep], last_col[keep]
    items = np.asarray(table[item_column], dtype=object)[keep]
    if not items.size:
        raise DemandDataError("the wide table has no values")
    # right-align: shift each row so that its last filled column lands at the end
    shift = (width - 1) - last_col
    cols = np.arange(width)[None, :] - shift[:, None]
    aligned = np.where(
        cols >= 0, raw[np.arange(raw.shape[0])[:, None], np.maximum(cols, 0)], 0
    )
    return history_from_matrix(items, aligned, freq, idx[0] + last_col)
