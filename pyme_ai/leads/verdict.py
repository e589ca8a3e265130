"""A plain verdict on a lead model's holdout, with the numbers behind it.

On leads the model never saw: the share of the sales found by calling the best
scored fifth first, next to the same share for Odoo's native scoring (its naive
Bayes on the native columns) and for random calls; the cumulative-gains curves, a
calibration table, 90 % bootstrap intervals, and the cases where no verdict should
be read (too few leads, or an AUC so high the data probably leaks the outcome).
"""

from __future__ import annotations

import numpy as np

from ..evaluation import lift_score, roc_auc_score

#: holdout leads, and of each outcome, below which the holdout judges nothing
MIN_HOLDOUT = 40
MIN_PER_OUTCOME = 10
#: a holdout AUC from here on means a column most likely tells the outcome
LEAKAGE_AUC = 0.99
#: one column whose contributions alone rank this well, and nearly as well as the
#: whole model, carries it: most likely it records the outcome
CARRIER_AUC = 0.95
CARRIER_MARGIN = 0.02
#: the share of leads called first in the verdict sentence
TOP_SHARE = 0.2
GAIN_POINTS = 10
CALIBRATION_BINS = 5
BOOTSTRAP_ROUNDS = 200
#: holdout rows resampled at most (a larger holdout: a seeded subset, so the
#: interval is a little wider than the holdout's own, never narrower)
BOOTSTRAP_MAX_ROWS = 20000
#: the reference scorings, preferred first
REFERENCES = ("odoo_native", "naive_bayes")


def found_share(y, prob, share):
    """Expected share of the positives among the top ``share`` by score, ties at
    the cut taken at random (a constant score finds ``share`` of them, whatever
    the order of the rows)."""
    y = np.asarray(y, dtype=float)
    prob = np.asarray(prob, dtype=float)
    k = int(np.ceil(share * y.size))
    if k == 0 or y.sum() == 0:
        return 0.0
    cut = np.sort(prob)[::-1][k - 1]
    above = prob > cut
    tied = prob == cut
    slots = k - above.sum()
    found = y[above].sum() + y[tied].sum() * slots / tied.sum()
    return float(found / y.sum())


def gains_curve(y, prob, points=GAIN_POINTS):
    """Share of the positives among the top ``k / points`` by score, k = 0..points
    (ties at random, see :func:`found_share`)."""
    return [round(found_share(y, prob, k / points), 4) for k in range(points + 1)]


def calibration_table(y, prob, bins=CALIBRATION_BINS):
    """``[(mean predicted, observed rate, leads)]`` over equal-count score bins."""
    y = np.asarray(y, dtype=float)
    prob = np.asarray(prob, dtype=float)
    order = np.argsort(prob, kind="stable")
    return [
        (round(float(prob[part].mean()), 4), round(float(y[part].mean()), 4), len(part))
        for part in np.array_split(order, min(bins, y.size))
        if len(part)
    ]


def bootstrap_interval(y, prob, metric, rounds=BOOTSTRAP_ROUNDS, seed=0):
    """90 % percentile interval of ``metric(y, prob)`` over resampled holdouts."""
    y = np.asarray(y)
    prob = np.asarray(prob, dtype=float)
    rng = np.random.default_rng(seed)
    if y.size > BOOTSTRAP_MAX_ROWS:
        keep = rng.choice(y.size, BOOTSTRAP_MAX_ROWS, replace=False)
        y, prob = y[keep], prob[keep]
    values = []
    for _round in range(rounds):
        pick = rng.integers(0, y.size, y.size)
        if 0 < y[pick].sum() < y.size:
            values.append(metric(y[pick], prob[pick]))
    if not values:
        return None
    low, high = np.percentile(values, [5, 95])
    return [round(float(low), 4), round(float(high), 4)]


def carrying_column(y, contributions, columns, auc):
    """``(column, its AUC)`` of the column whose contributions alone rank the
    holdout best, when it carries the model (at least ``CARRIER_AUC`` and within
    ``CARRIER_MARGIN`` of the model's ``auc``), else None."""
    if contributions is None or not len(columns) or len(set(y)) < 2:
        return None
    contrib = np.asarray(contributions, dtype=float)
    aucs = [roc_auc_score(y, contrib[:, j]) for j in range(contrib.shape[1])]
    best = int(np.argmax(aucs))
    if aucs[best] >= CARRIER_AUC and aucs[best] >= auc - CARRIER_MARGIN:
        return columns[best], round(float(aucs[best]), 4)
    return None


def holdout_summary(y, scores, contributions=None, columns=()):
    """Verdict, curves and intervals of the holdout ``y`` scored by ``scores``
    (name -> probabilities; "model" is the evaluated model). ``contributions``
    (rows x ``columns``, the model's per-column logit contributions on the same
    rows) let the leakage verdict name the column that gives the outcome away."""
    y = np.asarray(y, dtype=int)
    n, positives = int(y.size), int(y.sum())
    model = np.asarray(scores["model"], dtype=float)
    reference = next((name for name in REFERENCES if name in scores), None)
    summary = {
        "n": n,
        "positives": positives,
        "reference": reference,
        "gains": {name: gains_curve(y, prob) for name, prob in scores.items()},
        "calibration": calibration_table(y, model),
    }
    if n < MIN_HOLDOUT or min(positives, n - positives) < MIN_PER_OUTCOME:
        summary["verdict"] = {
            "code": "too_few",
            "n": n,
            "positives": positives,
            "needed": MIN_HOLDOUT,
        }
        return summary
    summary["intervals"] = {
        "auc": bootstrap_interval(y, model, roc_auc_score),
        "lift_20": bootstrap_interval(
            y, model, lambda a, b: lift_score(a, b, TOP_SHARE)
        ),
    }
    auc = roc_auc_score(y, model)
    carrier = carrying_column(y, contributions, list(columns), auc)
    if auc >= LEAKAGE_AUC or carrier:
        summary["verdict"] = {"code": "leakage", "auc": round(float(auc), 4)}
        if carrier:
            summary["verdict"].update(column=carrier[0], column_auc=carrier[1])
        return summary
    share = round(TOP_SHARE * 100)
    found = round(found_share(y, model, TOP_SHARE) * 100)
    verdict = {"n": n, "share": share, "found": found}
    if reference:
        ref = round(found_share(y, scores[reference], TOP_SHARE) * 100)
        verdict.update(
            reference_found=ref, code="better" if found > ref else "not_better"
        )
    else:
        verdict["code"] = "no_reference"
    summary["verdict"] = verdict
    return summary
