"""Deterministic synthetic demand, for the shipped samples, the tests and the benchmark.

``generate`` draws a daily long-format history: each item has its own demand
probability, order size, optional weekday pattern, optional slow decline (obsolescence)
and launch date, so every demand class appears. ``write_samples`` writes the two CSV
files shipped in ``pyme_ai/samples`` (``pyme-ai demand sample --out DIR`` does the
same):

- ``demand_sample.csv``: ``product,date,qty`` (days without sales have no row);
- ``demand_stock_sample.csv``: ``product,on_hand,lead_time,incoming`` with incoming
  receipts as ``YYYY-MM-DD:qty;YYYY-MM-DD:qty``.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

SAMPLE_ITEMS = 24
SAMPLE_DAYS = 365
SAMPLE_END = dt.date(2024, 12, 31)
WEEKDAY = np.array([1.2, 1.1, 1.0, 1.0, 1.3, 0.3, 0.1])  # Monday..Sunday


def generate_matrix(n_items, n_days, seed=0):
    """Daily demand ``(n_items, n_days)`` and the item names, vectorised."""
    rng = np.random.default_rng(seed)
    prob = np.clip(rng.beta(0.9, 2.0, n_items), 0.02, 0.98)  # chance of a sale per day
    size = rng.gamma(1.5, 2.0, n_items) + 0.5  # mean units per sale (minus one)
    dispersion = rng.choice([0.5, 2.0, 8.0], n_items)
    weekly = rng.random(n_items) < 0.3
    decline = np.where(rng.random(n_items) < 0.2, rng.uniform(0.3, 1.0, n_items), 0.0)
    launch = np.where(
        rng.random(n_items) < 0.15, rng.integers(0, n_days // 2, n_items), 0
    )
    days = np.arange(n_days)
    start_weekday = 0
    season = np.where(
        weekly[:, None], WEEKDAY[(days + start_weekday) % 7][None, :], 1.0
    )
    trend = 1.0 - decline[:, None] * (days[None, :] / max(n_days - 1, 1))
    p = np.clip(prob[:, None] * season * trend, 0.0, 1.0)
    sale = rng.random((n_items, n_days)) < p
    # sizes: 1 + negative binomial with mean size and the item's dispersion
    shape = dispersion[:, None]
    lam = rng.gamma(shape, size[:, None] / shape, (n_items, n_days))
    qty = np.where(sale, 1 + rng.poisson(lam), 0).astype(float)
    qty[days[None, :] < launch[:, None]] = 0.0
    names = np.array([f"P{i:05d}" for i in range(n_items)], dtype=object)
    return names, qty


def generate(n_items=SAMPLE_ITEMS, n_days=SAMPLE_DAYS, seed=0, end=SAMPLE_END):
    """Long arrays ``(items, dates, quantities)`` (only days with demand), ending at
    ``end``."""
    names, qty = generate_matrix(n_items, n_days, seed)
    first = np.datetime64(end, "D") - (n_days - 1)
    rows, cols = np.nonzero(qty)
    return names[rows], first + cols, qty[rows, cols]


def write_samples(out_dir, n_items=SAMPLE_ITEMS, n_days=SAMPLE_DAYS, seed=0):
    """Write ``demand_sample.csv`` and ``demand_stock_sample.csv``; returns their
    paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    items, dates, qty = generate(n_items, n_days, seed)
    history = out / "demand_sample.csv"
    with open(history, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["product", "date", "qty"])
        for item, date, q in zip(
            items.tolist(), dates.astype(str).tolist(), qty.tolist(), strict=True
        ):
            writer.writerow([item, date, int(q)])
    rng = np.random.default_rng(seed + 1)
    names = np.unique(items)
    stock = out / "demand_stock_sample.csv"
    with open(stock, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["product", "on_hand", "lead_time", "incoming"])
        for name in names.tolist():
            on_hand = int(rng.integers(0, 60))
            lead = int(rng.choice([3, 7, 14, 21]))
            incoming = ""
            if rng.random() < 0.4:
                when = SAMPLE_END + dt.timedelta(days=int(rng.integers(2, 30)))
                incoming = f"{when.isoformat()}:{int(rng.integers(5, 50))}"
            writer.writerow([name, on_hand, lead, incoming])
    return history, stock


#: Kinds of the synthetic benchmark sets (known demand patterns).
KINDS = ("regular", "trending", "seasonal", "intermittent", "lumpy")


def generate_kind(kind, n_items=300, n_periods=156, seed=0):
    """Weekly demand ``(n_items, n_periods)`` of one known pattern, seeded.

    - ``regular``: Poisson around a level of 5-40 a week;
    - ``trending``: the same with the level growing or shrinking linearly by up to
      60 % over the history (and going on after it);
    - ``seasonal``: a yearly sine of amplitude 30-80 % around the level;
    - ``intermittent``: a sale in 15-60 % of weeks, sizes 1 + Poisson(0.5-3) (low
      size variation);
    - ``lumpy``: a sale in 10-50 % of weeks, sizes from a gamma with CV 1-2.5.
    """
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}")
    rng = np.random.default_rng([seed, KINDS.index(kind)])
    t = np.arange(n_periods)[None, :]
    level = rng.uniform(5, 40, (n_items, 1))
    if kind in ("regular", "trending", "seasonal"):
        rate = np.repeat(level, n_periods, axis=1)
        if kind == "trending":
            slope = rng.uniform(-0.6, 0.6, (n_items, 1))
            rate = level * np.maximum(1 + slope * t / n_periods, 0.05)
        if kind == "seasonal":
            amp = rng.uniform(0.3, 0.8, (n_items, 1))
            phase = rng.uniform(0, 2 * np.pi, (n_items, 1))
            rate = level * (1 + amp * np.sin(2 * np.pi * t / 52 + phase))
        qty = rng.poisson(np.maximum(rate, 0.0)).astype(float)
    elif kind == "intermittent":
        p = rng.uniform(0.15, 0.6, (n_items, 1))
        size = rng.uniform(0.5, 3, (n_items, 1))
        sale = rng.random((n_items, n_periods)) < p
        qty = np.where(sale, 1 + rng.poisson(np.broadcast_to(size, sale.shape)), 0)
    else:
        p = rng.uniform(0.1, 0.5, (n_items, 1))
        mean = rng.uniform(3, 20, (n_items, 1))
        cv = rng.uniform(1.0, 2.5, (n_items, 1))
        shape = 1 / cv**2
        sizes = rng.gamma(np.broadcast_to(shape, (n_items, n_periods)), mean / shape)
        sale = rng.random((n_items, n_periods)) < p
        qty = np.where(sale, np.ceil(sizes), 0)
    names = np.array(
        [f"{kind[:3].upper()}{i:04d}" for i in range(n_items)], dtype=object
    )
    return names, np.asarray(qty, dtype=float)


def generate_promotions(n_items=300, n_periods=208, seed=0, uplift=True):
    """Weekly demand with known promotions: ``(names, values, intensity)``.

    Items are regular (Poisson around 3-40 a week) or, one in three, intermittent
    (a sale in 20-60 % of weeks); about one week in eight is promoted with an
    intensity (share of the week) of 0.5-1. With ``uplift`` demand in a promoted
    week is multiplied by ``1 + u * intensity`` (``u`` 0.5-2 per item); without, the
    flags are noise and demand ignores them.
    """
    rng = np.random.default_rng([seed, 99])
    level = rng.uniform(3, 40, (n_items, 1))
    intermittent = rng.random((n_items, 1)) < 1 / 3
    prob = np.where(intermittent, rng.uniform(0.2, 0.6, (n_items, 1)), 1.0)
    promoted = rng.random((n_items, n_periods)) < 0.125
    intensity = np.where(promoted, rng.uniform(0.5, 1.0, promoted.shape), 0.0)
    u = rng.uniform(0.5, 2.0, (n_items, 1)) if uplift else np.zeros((n_items, 1))
    rate = np.where(intermittent, rng.uniform(0.5, 3, (n_items, 1)), level)
    rate = rate * (1 + u * intensity)
    draw = rng.poisson(rate)
    sale = rng.random((n_items, n_periods)) < prob
    qty = np.where(intermittent, np.where(sale, 1 + draw, 0), draw)
    names = np.array([f"PRO{i:04d}" for i in range(n_items)], dtype=object)
    return names, qty.astype(float), intensity
