"""Customer segments from RFM (recency, frequency, monetary) as of a reference date.

Rows are confirmed sales or invoices ``(customer, date, amount)``; rows after
``as_of`` are ignored. Per customer: recency = days since the last purchase,
frequency = number of rows with a positive amount, monetary = net sum of amounts
(refunds subtract).

Scores 1-5 are quintiles of the percentile rank among customers, ties sharing their
average rank: ``score = ceil(5 * (avg_rank - 0.5) / n)`` (clipped to 1..5), recency
reversed (recent = 5). One customer, or all equal, scores 3. ``fm`` is the
rounded-half-up mean of the F and M scores. :func:`rfm_scores` does the same from
per-customer aggregates (recency days, frequency, monetary), e.g. one SQL ``GROUP BY``.

Segments, first matching rule wins (codes in English; Odoo translates):

===============  ============================================
segment          rule
===============  ============================================
``new``          frequency == 1 and R >= 4
``champions``    R >= 4 and FM >= 4
``loyal``        R >= 3 and FM >= 3
``promising``    R >= 4 (recent, still small)
``cant_lose``    R <= 2 and FM >= 4 (were top, gone quiet)
``at_risk``      R <= 2 and FM == 3
``about_to_sleep``  R == 3 (FM <= 2)
``hibernating``  R == 2 (FM <= 2)
``lost``         R == 1 (FM <= 2)
===============  ============================================
"""

from __future__ import annotations

import numpy as np

from pyme_ai.base import PymeAiError

from .utils import DAY, dates_array, plain, to_datetime64

SEGMENTS = (
    "new",
    "champions",
    "loyal",
    "promising",
    "cant_lose",
    "at_risk",
    "about_to_sleep",
    "hibernating",
    "lost",
)


def quintile_scores(values, higher_is_better=True):
    """Scores 1..5 by percentile rank (ties share the average rank)."""
    values = np.asarray(values, dtype=float)
    n = values.size
    if n == 0:
        return np.zeros(0, dtype=int)
    keyed = values if higher_is_better else -values
    order = np.argsort(keyed, kind="stable")
    sorted_vals = keyed[order]
    ranks = np.empty(n)
    # average rank within ties
    _, inverse, counts = np.unique(sorted_vals, return_inverse=True, return_counts=True)
    sums = np.bincount(inverse, weights=np.arange(1, n + 1))
    ranks[order] = (sums / counts)[inverse]
    scores = np.ceil(5.0 * (ranks - 0.5) / n - 1e-9).astype(int)
    return np.clip(scores, 1, 5)


def segment_for(r, f, m, frequency):
    """Segment code for scores ``r``/``f``/``m`` and the raw ``frequency``."""
    fm = (f + m + 1) // 2
    if frequency == 1 and r >= 4:
        return "new"
    if r >= 4 and fm >= 4:
        return "champions"
    if r >= 3 and fm >= 3:
        return "loyal"
    if r >= 4:
        return "promising"
    if r <= 2 and fm >= 4:
        return "cant_lose"
    if r <= 2 and fm == 3:
        return "at_risk"
    return {3: "about_to_sleep", 2: "hibernating"}.get(r, "lost")


def rfm_segments(customers, dates, amounts, *, as_of):
    """Per customer ``{"customer", "recency_days", "frequency", "monetary", "r", "f",
    "m", "segment"}``, in first-seen order (customers with no row up to ``as_of``
    are left out)."""
    customers = [plain(c) for c in customers]
    when = dates_array(dates)
    amount = np.array([0.0 if a is None else float(a) for a in amounts], dtype=float)
    if not (len(customers) == when.size == amount.size):
        raise PymeAiError("customers, dates and amounts differ in length")
    ref = to_datetime64(as_of)
    keep = ~np.isnat(when) & (when <= ref)
    index = {}
    for i in np.flatnonzero(keep):
        index.setdefault(customers[i], []).append(i)
    if not index:
        return []
    return rfm_scores(
        list(index),
        [(ref - when[idx].max()) / DAY for idx in index.values()],
        [int((amount[idx] > 0).sum()) for idx in index.values()],
        [amount[idx].sum() for idx in index.values()],
    )


def rfm_scores(customers, recency_days, frequency, monetary):
    """Same output as :func:`rfm_segments` from per-customer aggregates (e.g. one SQL
    ``GROUP BY``): days since the last purchase, number of purchases with a positive
    amount and net amount, one entry per customer, in the given order."""
    names = [plain(c) for c in customers]
    recency = np.array(recency_days, dtype=float)
    frequency = np.array(frequency, dtype=int)
    monetary = np.array(monetary, dtype=float)
    if not (len(names) == recency.size == frequency.size == monetary.size):
        raise PymeAiError("customers and aggregates differ in length")
    r = quintile_scores(recency, higher_is_better=False)
    f = quintile_scores(frequency)
    m = quintile_scores(monetary)
    return [
        {
            "customer": names[i],
            "recency_days": round(float(recency[i]), 2),
            "frequency": int(frequency[i]),
            "monetary": round(float(monetary[i]), 2),
            "r": int(r[i]),
            "f": int(f[i]),
            "m": int(m[i]),
            "segment": segment_for(int(r[i]), int(f[i]), int(m[i]), frequency[i]),
        }
        for i in range(len(names))
    ]
