"""Demand classes (Syntetos-Boylan) and seasonality detection, vectorised over items.

- ADI (average demand interval) = periods of history / periods with demand.
- CV² = squared coefficient of variation of the non-zero demand sizes (population
  variance).
- Classes with the Syntetos-Boylan-Croston cut-offs ADI 1.32 and CV² 0.49:
  ``smooth`` (ADI <= 1.32, CV² <= 0.49), ``erratic`` (ADI <= 1.32, CV² > 0.49),
  ``intermittent`` (ADI > 1.32, CV² <= 0.49), ``lumpy`` (ADI > 1.32, CV² > 0.49);
  ``none`` when the item never had demand.
"""

from __future__ import annotations

import numpy as np

ADI_CUTOFF = 1.32
CV2_CUTOFF = 0.49
#: Demand classes and their labels (the Odoo Selection fields use these).
DEMAND_CLASSES = (
    ("smooth", "Smooth"),
    ("erratic", "Erratic"),
    ("intermittent", "Intermittent"),
    ("lumpy", "Lumpy"),
    ("none", "No Demand"),
)
CLASSES = tuple(code for code, __ in DEMAND_CLASSES)


def active_mask(start, n_periods):
    return np.arange(n_periods)[None, :] >= np.asarray(start)[:, None]


def adi_cv2(values, start):
    """ADI and CV² per item (``inf`` / ``nan`` for items without demand)."""
    values = np.asarray(values, dtype=float)
    length = values.shape[1] - np.asarray(start)
    nonzero = values > 0
    count = nonzero.sum(axis=1)
    has = count > 0
    safe = np.maximum(count, 1)
    adi = np.where(has, length / safe, np.inf)
    mean = values.sum(axis=1) / safe
    second = (values**2).sum(axis=1) / safe
    var = np.maximum(second - mean**2, 0.0)
    cv2 = np.where(has, var / np.where(has, mean, 1.0) ** 2, np.nan)
    return adi, cv2


def classify(adi, cv2):
    """Class name per item from ADI and CV² arrays."""
    adi = np.asarray(adi, dtype=float)
    cv2 = np.asarray(cv2, dtype=float)
    code = (adi > ADI_CUTOFF).astype(int) * 2 + (
        np.nan_to_num(cv2) > CV2_CUTOFF
    ).astype(int)
    code = np.where(np.isfinite(adi), code, 4)
    return np.array(CLASSES, dtype=object)[code]


def demand_classes(values, start):
    return classify(*adi_cv2(values, start))


def seasonal_acf(values, start, season):
    """Autocorrelation at lag ``season`` of each item's history (nan when too short)."""
    values = np.asarray(values, dtype=float)
    n, width = values.shape
    start = np.asarray(start)
    length = width - start
    if season < 2 or width <= season:
        return np.full(n, np.nan)
    active = active_mask(start, width)
    mean = values.sum(axis=1) / np.maximum(length, 1)
    centred = np.where(active, values - mean[:, None], 0.0)
    denom = (centred**2).sum(axis=1)
    num = (centred[:, season:] * centred[:, :-season]).sum(
        axis=1
    )  # zeros outside history
    ok = (length > season) & (denom > 0)
    return np.where(ok, num / np.where(denom > 0, denom, 1.0), np.nan)


def detect_seasonality(values, start, season, min_cycles=3, min_acf=0.1):
    """True where the lag-``season`` autocorrelation is significant (one-sided 95 %).

    Needs ``min_cycles`` full cycles of history; the threshold is
    ``max(min_acf, 1.645 / sqrt(length))``.
    """
    acf = seasonal_acf(values, start, season)
    length = np.asarray(values).shape[1] - np.asarray(start)
    threshold = np.maximum(min_acf, 1.645 / np.sqrt(np.maximum(length, 1)))
    return (length >= min_cycles * season) & (np.nan_to_num(acf, nan=-1.0) > threshold)
