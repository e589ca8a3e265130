"""Unusual vendor bills and outgoing payments: each vendor's pattern, scored reasons.

Bills and payments are plain tables (column -> values, or lists of dicts):

- bills: ``id, vendor, date, posted_at, amount, currency, reference, bank_account,
  checksum, user`` (only ``id, vendor, date, amount`` are required);
- payments: ``id, vendor, date, amount, currency, bank_account, account_changed_at,
  account_owner, account_country, vendor_country, bill_posted_at``.

``PaymentRiskModel().fit({"bills": ..., "payments": ..., "feedback": ...})`` learns,
per vendor, the distribution of log amounts (median and MAD), how often it repeats an
amount or a reference, its round amounts, bank accounts, users and the company's
posting hours. ``explain(data)`` scores the bills and payments of ``data`` (each bill
against the history and the earlier bills of ``data``) and gives reasons as codes with
parameters (``REASON_CODES``), so that callers render them in their reader's language.
Scores (0-100) combine the reasons' weights as independent alarms
(``1 - prod(1 - w)``). Feedback rows ``{"vendor", "code"}`` ("not a problem") divide
that vendor's weight of that code by ``FEEDBACK_FACTOR`` per row.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter, defaultdict, deque

import numpy as np

from ..base import Estimator, InsufficientDataError, PymeAiError
from ..training import TrainingResult
from .references import (
    flat_reference,
    is_sequence,
    near_reference,
    normalize_reference,
    number_gap,
)

KIND = "payment_risk"
#: every reason code, in the order they are documented
REASON_CODES = (
    "duplicate_reference",
    "similar_reference",
    "same_amount",
    "same_attachment",
    "duplicate_other_vendor",
    "bank_account_other_vendor",
    "amount_outlier",
    "new_vendor_large",
    "round_amount",
    "unusual_hour",
    "unusual_user",
    "bank_account_changed",
    "bank_account_other_owner",
    "bank_account_other_country",
    "bank_account_new",
    "paid_same_day",
)
BILL_COLUMNS = (
    "id",
    "vendor",
    "date",
    "posted_at",
    "amount",
    "currency",
    "reference",
    "bank_account",
    "checksum",
    "user",
)
PAYMENT_COLUMNS = (
    "id",
    "vendor",
    "date",
    "amount",
    "currency",
    "bank_account",
    "account_changed_at",
    "account_owner",
    "account_country",
    "vendor_country",
    "bill_posted_at",
)
REQUIRED = ("id", "vendor", "date", "amount")
#: earlier bills of a similar amount compared with each bill
CANDIDATES = 50
#: a vendor+code dismissed once weighs this much less (per feedback row)
FEEDBACK_FACTOR = 0.3
#: codes whose weight falls for vendors that trigger them routinely
ROUTINE_CODES = frozenset({"duplicate_reference", "similar_reference", "same_amount"})
WEIGHTS = {
    "duplicate_reference": 0.9,
    "duplicate_reference_other_amount": 0.55,
    "similar_reference": 0.75,
    "same_amount": 0.6,
    "same_amount_other_reference": 0.35,
    "same_attachment": 0.95,
    "duplicate_other_vendor": 0.85,
    "bank_account_other_vendor": 0.25,
    "new_vendor_large": 0.55,
    "round_amount": 0.25,
    "unusual_hour": 0.2,
    "unusual_user": 0.2,
    "bank_account_changed": 0.75,
    "bank_account_other_owner": 0.6,
    "bank_account_other_country": 0.35,
    "bank_account_new": 0.45,
    "paid_same_day": 0.2,
}


class PaymentRiskError(PymeAiError):
    """Bills or payments that cannot be read (a missing column, a bad amount)."""


# ------------------------------------------------------------------ tables
def as_table(records, columns):
    """``records`` (a table or a list of dicts) as a table with every column of
    ``columns`` (missing optional ones filled with None)."""
    if records is None:
        records = {}
    if isinstance(records, list | tuple):
        records = {
            name: [record.get(name) for record in records]
            for name in {key for record in records for key in record}
        }
    lengths = {len(values) for values in records.values()}
    if len(lengths) > 1:
        raise PaymentRiskError("columns have different lengths")
    size = lengths.pop() if lengths else 0
    if size:
        missing = [name for name in REQUIRED if name not in records]
        if missing:
            raise PaymentRiskError(f"missing column(s): {', '.join(missing)}")
    return {
        name: list(records[name]) if name in records else [None] * size
        for name in columns
    }, size


def _text(values):
    return np.array(
        ["" if v is None or v is False else str(v).strip() for v in values],
        dtype=object,
    )


def _moments(values, unit):
    cleaned = []
    for value in values:
        if value is None or value is False or value == "":
            cleaned.append("NaT")
        elif isinstance(value, dt.datetime | dt.date):
            cleaned.append(value.isoformat())
        else:
            cleaned.append(str(value).strip().replace(" ", "T", 1))
    try:
        return np.array(cleaned, dtype=f"datetime64[{unit}]")
    except ValueError as exc:
        raise PaymentRiskError(f"unreadable date: {exc}") from exc


def _days(values):
    days = _moments(values, "D")
    return days.astype("int64"), np.isnat(days)


def _amounts(values):
    out = np.empty(len(values), dtype=float)
    for i, value in enumerate(values):
        try:
            out[i] = (
                float(str(value).replace(",", ".")) if value not in ("", None) else 0
            )
        except ValueError as exc:
            raise PaymentRiskError(f"unreadable amount: {value!r}") from exc
    return out


def _iso(day):
    return str(np.datetime64(int(day), "D"))


class _Bills:
    """Bill columns as arrays."""

    def __init__(self, records):
        table, size = as_table(records, BILL_COLUMNS)
        self.size = size
        self.id = _text(table["id"])
        self.vendor = _text(table["vendor"])
        self.currency = _text(table["currency"])
        self.key = np.array(
            [f"{v}\x1f{c}" for v, c in zip(self.vendor, self.currency, strict=True)],
            dtype=object,
        )
        self.day, bad = _days(table["date"])
        if bad.any():
            raise PaymentRiskError("every bill needs a date")
        posted = _moments(table["posted_at"], "m")
        missing = np.isnat(posted)
        minutes = posted.astype("int64")
        minutes[missing] = -1
        self.minute = minutes  # -1: unknown
        self.amount = _amounts(table["amount"])
        self.reference = _text(table["reference"])
        self.normref = np.array(
            [normalize_reference(r) if r else "" for r in self.reference], dtype=object
        )
        self.flat = np.array([flat_reference(r) for r in self.reference], object)
        self.account = np.array(
            [a.replace(" ", "").upper() for a in _text(table["bank_account"])],
            dtype=object,
        )
        self.checksum = _text(table["checksum"])
        self.user = _text(table["user"])

    def take(self, index):
        clone = object.__new__(_Bills)
        for name, value in vars(self).items():
            setattr(
                clone, name, value[index] if isinstance(value, np.ndarray) else value
            )
        clone.size = len(index)
        return clone

    @staticmethod
    def concat(first, second):
        clone = object.__new__(_Bills)
        for name, value in vars(first).items():
            if isinstance(value, np.ndarray):
                setattr(clone, name, np.concatenate([value, getattr(second, name)]))
        clone.size = first.size + second.size
        return clone


def _robust(log_amounts):
    median = float(np.median(log_amounts))
    mad = float(np.median(np.abs(log_amounts - median)))
    return median, mad


def _round(amounts):
    return (amounts >= 500) & (np.abs(amounts - np.round(amounts / 100) * 100) < 0.005)


def _combine(weights):
    return 1.0 - np.prod([1.0 - w for w in weights]) if weights else 0.0


class PaymentRiskModel(Estimator):
    """Per-vendor patterns of bills and payments, scoring new ones with reasons.

    Hyperparameters: ``threshold`` (score from which a record is flagged, 0-100),
    ``amount_window`` (days within which the same amount twice is suspicious),
    ``reference_window`` (days searched for near references), ``z_outlier`` (robust
    z-score of the log amount from which an amount is far above usual),
    ``min_history`` (bills a vendor needs before its amounts, users and round
    amounts are judged), ``recent_days`` (a bank account changed this recently is a
    risk), ``scale_floor`` (smallest log-amount scale, so a vendor always billing the
    same amount is not flagged for a cent), ``min_ratio`` (an outlier is also at
    least this many times the vendor's median amount).
    """

    kind = KIND
    _fitted_attribute = "stats_"

    def __init__(
        self,
        threshold=50,
        amount_window=7,
        reference_window=120,
        z_outlier=4.0,
        min_history=5,
        recent_days=30,
        scale_floor=0.15,
        min_ratio=3.0,
    ):
        self.threshold = threshold
        self.amount_window = amount_window
        self.reference_window = reference_window
        self.z_outlier = z_outlier
        self.min_history = min_history
        self.recent_days = recent_days
        self.scale_floor = scale_floor
        self.min_ratio = min_ratio

    # -------------------------------------------------------------- fitting
    def fit(self, data):
        data = data or {}
        bills = _Bills(data.get("bills"))
        if not bills.size:
            raise InsufficientDataError("no vendor bills to learn from")
        self.history_ = bills
        self.stats_ = {}
        log_amounts = np.log1p(np.maximum(bills.amount, 0.0))
        order = np.argsort(bills.key, kind="stable")
        keys, starts = np.unique(bills.key[order], return_index=True)
        for key, chunk in zip(keys, np.split(order, starts[1:]), strict=True):
            median, mad = _robust(log_amounts[chunk])
            self.stats_[key] = {
                "n": len(chunk),
                "median": median,
                "mad": mad,
                "round": float(_round(bills.amount[chunk]).mean()),
            }
        self.users_ = defaultdict(set)
        for vendor, user in zip(bills.vendor, bills.user, strict=True):
            if user:
                self.users_[vendor].add(user)
        self.users_ = dict(self.users_)
        known = bills.minute >= 0
        hours = (bills.minute[known] // 60) % 24
        self.hour_share_ = np.bincount(hours, minlength=24) / max(len(hours), 1)
        positive = bills.amount[bills.amount > 0]
        # a first bill is large above the 95th percentile of all bills and 3 times
        # their median
        self.large_first_ = (
            max(float(np.quantile(positive, 0.95)), 3 * float(np.median(positive)))
            if len(positive)
            else 0
        )
        self.vendor_counts_ = Counter(bills.vendor.tolist())
        self.intervals_ = {}
        order = np.lexsort((bills.day, bills.vendor))
        vendors, starts = np.unique(bills.vendor[order], return_index=True)
        for vendor, chunk in zip(vendors, np.split(order, starts[1:]), strict=True):
            if len(chunk) > 2:
                self.intervals_[vendor] = float(np.median(np.diff(bills.day[chunk])))
        payments, __ = as_table(data.get("payments"), PAYMENT_COLUMNS)
        self.accounts_ = defaultdict(set)
        for vendor, account in zip(bills.vendor, bills.account, strict=True):
            if account:
                self.accounts_[vendor].add(account)
        for vendor, account in zip(
            _text(payments["vendor"]), _text(payments["bank_account"]), strict=True
        ):
            account = account.replace(" ", "").upper()
            if account:
                self.accounts_[vendor].add(account)
        self.accounts_ = dict(self.accounts_)
        self.feedback_ = self._feedback_counts(data.get("feedback"))
        # how often each vendor triggers each duplicate check on its own history
        hits = Counter()
        for index, reasons in self._bill_pass(bills, np.ones(bills.size, bool))[
            0
        ].items():
            for code, __, __ in reasons:
                hits[(bills.vendor[index], code)] += 1
        self.routine_ = {}
        for (vendor, code), count in hits.items():
            n = self.vendor_counts_[vendor]
            rate = count / n
            if code in ROUTINE_CODES and n >= 8 and count >= 3 and rate > 0.1:
                self.routine_[(vendor, code)] = max(0.05, 0.05 / rate)
        return self

    @staticmethod
    def _feedback_counts(rows):
        counts = Counter()
        for row in rows or ():
            counts[(str(row.get("vendor", "")).strip(), str(row.get("code", "")))] += 1
        return counts

    # -------------------------------------------------------------- the pass
    def _bill_pass(self, bills, target):
        """Duplicate checks of the ``target`` bills against every earlier bill of
        ``bills`` (by date, posting time, then position): ({index: [(code, weight,
        params)]}, {index: count of earlier bills of its vendor})."""
        entered = np.where(bills.minute >= 0, bills.minute, bills.day * 1440 + 720)
        order = np.lexsort((np.arange(bills.size), entered))
        entered_day = entered // 1440
        by_ref, by_sum = {}, {}
        by_amount = defaultdict(deque)
        by_account = defaultdict(deque)
        account_vendors = defaultdict(set)
        prior = Counter()
        earlier = {}
        out = {}
        reference_window = self.reference_window
        for index in order.tolist():
            vendor, key = bills.vendor[index], bills.key[index]
            day, amount = int(bills.day[index]), float(bills.amount[index])
            normref, account = bills.normref[index], bills.account[index]
            checksum = bills.checksum[index]
            now = int(entered_day[index])
            bucket = int(round(math.log(max(amount, 0.01)) * 100))
            recent = []
            for near in (bucket - 1, bucket, bucket + 1):
                queue = by_amount.get((key, near))
                if queue:
                    while queue and now - queue[0][4] > reference_window + 30:
                        queue.popleft()
                    recent.extend(list(queue)[-CANDIDATES:])
            recent.sort(key=lambda entry: -entry[5])
            position = prior[key]
            shared = by_account[account] if account else None
            while shared and now - shared[0][4] > 60:
                shared.popleft()
            if target[index]:
                earlier[index] = prior[vendor]
                reasons = self._bill_checks(
                    bills,
                    index,
                    (by_ref, by_sum, account_vendors),
                    recent[:CANDIDATES],
                    shared,
                    position,
                )
                if reasons:
                    out[index] = reasons
            prior[vendor] += 1
            if key != vendor:
                prior[key] += 1
            if normref:
                by_ref[(key, normref)] = index
            if checksum:
                by_sum.setdefault(checksum, index)
            by_amount[(key, bucket)].append(
                (day, amount, normref, index, now, position)
            )
            if account:
                shared.append((day, amount, key, index, now))
                account_vendors[account].add(vendor)
        return out, earlier

    def _bill_checks(self, bills, index, seen, recent, shared, position):
        by_ref, by_sum, accounts = seen
        key = bills.key[index]
        day, amount = int(bills.day[index]), float(bills.amount[index])
        normref, account = bills.normref[index], bills.account[index]
        reasons = []

        def other(j, **extra):
            params = {
                "bill": bills.id[j],
                "reference": bills.reference[j],
                "date": _iso(bills.day[j]),
                "amount": float(bills.amount[j]),
            }
            params.update(extra)
            return params

        def close(a, b, share):
            return abs(a - b) <= max(0.011, share * max(abs(a), abs(b)))

        duplicate = False
        if normref:
            j = by_ref.get((key, normref))
            if j is not None:
                duplicate = True
                same = close(amount, bills.amount[j], 0.01)
                reasons.append(
                    (
                        "duplicate_reference",
                        WEIGHTS[
                            "duplicate_reference"
                            if same
                            else "duplicate_reference_other_amount"
                        ],
                        other(j, days=abs(day - int(bills.day[j]))),
                    )
                )
        checksum = bills.checksum[index]
        if checksum:
            j = by_sum.get(checksum)
            if j is not None and bills.id[j] != bills.id[index]:
                reasons.append(
                    ("same_attachment", WEIGHTS["same_attachment"], other(j))
                )
        seen_amount = seen_reference = duplicate
        flat = bills.flat[index]
        for then, then_amount, then_ref, j, __, then_position in recent:
            between = position - then_position - 1
            if seen_amount and seen_reference:
                break
            if then_ref == normref and normref:
                continue
            days = abs(day - then)
            if days > self.reference_window:
                continue
            if not seen_amount and days <= self.amount_window:
                if abs(amount - then_amount) <= 0.011:
                    seen_amount = True
                    weight = WEIGHTS[
                        "same_amount"
                        if not (normref and then_ref)
                        else "same_amount_other_reference"
                    ]
                    reasons.append(("same_amount", weight, other(j, days=days)))
            if (
                not seen_reference
                and normref
                and then_ref
                and close(amount, then_amount, 0.01)
                and not is_sequence(then_ref, normref, between)
                and (days <= 10 or number_gap(then_ref, normref) is None)
                and (
                    near_reference(normref, then_ref)
                    or near_reference(flat, bills.flat[j])
                )
            ):
                seen_reference = True
                reasons.append(
                    ("similar_reference", WEIGHTS["similar_reference"], other(j))
                )
        if account:
            reasons += self._shared_account(bills, index, shared, accounts, other)
        return reasons

    def _shared_account(self, bills, index, shared, accounts, other):
        """The same amount lately under another vendor with this bank account; the
        account known under another vendor."""
        vendor, key = bills.vendor[index], bills.key[index]
        day, amount = int(bills.day[index]), float(bills.amount[index])
        account = bills.account[index]
        reasons = []
        for then, then_amount, then_key, j, __ in reversed(shared):
            if (
                then_key != key
                and abs(day - then) <= self.amount_window + 3
                and abs(amount - then_amount) <= 0.011
            ):
                reasons.append(
                    (
                        "duplicate_other_vendor",
                        WEIGHTS["duplicate_other_vendor"],
                        other(j, vendor=bills.vendor[j], days=abs(day - then)),
                    )
                )
                break
        others = accounts.get(account, set()) - {vendor}
        if others:
            reasons.append(
                (
                    "bank_account_other_vendor",
                    WEIGHTS["bank_account_other_vendor"],
                    {"vendor": sorted(others)[0], "account": account},
                )
            )
        return reasons

    # -------------------------------------------------------------- scoring
    def _amount_reasons(self, keys, amounts):
        """(code, weight, params) lists for amounts far above each vendor's usual."""
        n = len(keys)
        median = np.zeros(n)
        scale = np.ones(n)
        count = np.zeros(n, dtype=int)
        round_share = np.ones(n)
        for i, key in enumerate(keys.tolist()):
            stats = self.stats_.get(key)
            if stats:
                median[i], count[i] = stats["median"], stats["n"]
                scale[i] = max(1.4826 * stats["mad"], self.scale_floor)
                round_share[i] = stats["round"]
        z = (np.log1p(np.maximum(amounts, 0.0)) - median) / scale
        judged = count >= self.min_history
        usual = np.expm1(median)
        outlier = judged & (z >= self.z_outlier)
        outlier &= amounts >= self.min_ratio * np.maximum(usual, 0.01)
        weight = np.minimum(0.95, 0.55 + 0.1 * (z - self.z_outlier))
        odd_round = judged & (count >= 2 * self.min_history)
        odd_round &= _round(amounts) & (round_share < 0.05)
        out = [[] for __ in range(n)]
        for i in np.flatnonzero(outlier).tolist():
            out[i].append(
                (
                    "amount_outlier",
                    float(weight[i]),
                    {
                        "amount": float(amounts[i]),
                        "usual": round(float(usual[i]), 2),
                        "ratio": round(float(amounts[i] / max(usual[i], 0.01)), 1),
                    },
                )
            )
        for i in np.flatnonzero(odd_round).tolist():
            out[i].append(
                ("round_amount", WEIGHTS["round_amount"], {"amount": float(amounts[i])})
            )
        return out

    def _finish(self, vendors, reasons, feedback):
        """Scores, flags and sorted reason dicts, after routine and feedback."""
        scores, flags, rendered = [], [], []
        for vendor, items in zip(vendors, reasons, strict=True):
            kept = []
            for code, weight, params in items:
                if code in ROUTINE_CODES and not (
                    code == "duplicate_reference"
                    and params.get("days", 0) <= self.amount_window
                    and self._routine_interval(vendor) > 2 * self.amount_window
                ):
                    weight *= self.routine_.get((vendor, code), 1.0)
                weight *= FEEDBACK_FACTOR ** feedback.get((vendor, code), 0)
                if weight >= 0.01:
                    kept.append((code, weight, params))
            kept.sort(key=lambda item: -item[1])
            score = int(round(100 * _combine([w for __, w, __ in kept])))
            scores.append(score)
            flags.append(score >= self.threshold)
            rendered.append(
                [
                    {"code": code, "weight": round(w, 3), "params": params}
                    for code, w, params in kept
                ]
            )
        return {"score": scores, "flagged": flags, "reasons": rendered}

    def _routine_interval(self, vendor):
        """Median days between the vendor's bills (inf when unknown)."""
        return self.intervals_.get(vendor, math.inf)

    def _feedback(self, data):
        given = self._feedback_counts(data.get("feedback"))
        return {
            key: max(given.get(key, 0), self.feedback_.get(key, 0))
            for key in set(given) | set(self.feedback_)
        }

    def explain_bills(self, bills, feedback=None, context=None):
        """Scores and reasons of ``bills``, each checked against the history, the
        ``context`` bills (e.g. those entered since the model was trained) and the
        earlier of ``bills``."""
        self.check_fitted()
        new = _Bills(bills)
        known = set(new.id.tolist())
        past = self.history_
        if context:
            extra = _Bills(context)
            fitted = set(past.id.tolist())
            past = _Bills.concat(
                past,
                extra.take(
                    np.array(
                        [i not in fitted for i in extra.id.tolist()], bool
                    ).nonzero()[0]
                ),
            )
        keep = np.array([i not in known for i in past.id.tolist()], bool)
        combined = _Bills.concat(past.take(np.flatnonzero(keep)), new)
        offset = int(keep.sum())
        target = np.zeros(combined.size, bool)
        target[offset:] = True
        found, earlier = self._bill_pass(combined, target)
        reasons = [list(found.get(offset + i, [])) for i in range(new.size)]
        amount_reasons = self._amount_reasons(new.key, new.amount)
        for i in range(new.size):
            reasons[i] += amount_reasons[i]
            vendor = new.vendor[i]
            if (
                earlier.get(offset + i, 0) == 0
                and self.large_first_
                and new.amount[i] >= self.large_first_
            ):
                reasons[i].append(
                    (
                        "new_vendor_large",
                        WEIGHTS["new_vendor_large"],
                        {
                            "amount": float(new.amount[i]),
                            "usual": round(self.large_first_, 2),
                        },
                    )
                )
            if self.vendor_counts_.get(vendor, 0) >= 2 * self.min_history:
                if new.minute[i] >= 0:
                    hour = int((new.minute[i] // 60) % 24)
                    if self.hour_share_[hour] < 0.01:
                        reasons[i].append(
                            ("unusual_hour", WEIGHTS["unusual_hour"], {"hour": hour})
                        )
                user = new.user[i]
                if user and user not in self.users_.get(vendor, ()):
                    reasons[i].append(
                        ("unusual_user", WEIGHTS["unusual_user"], {"user": user})
                    )
        result = self._finish(new.vendor.tolist(), reasons, feedback or {})
        result["id"] = new.id.tolist()
        return result

    def explain_payments(self, payments, feedback=None):
        self.check_fitted()
        table, size = as_table(payments, PAYMENT_COLUMNS)
        ids, vendors = _text(table["id"]), _text(table["vendor"])
        currency = _text(table["currency"])
        keys = np.array(
            [f"{v}\x1f{c}" for v, c in zip(vendors, currency, strict=True)], object
        )
        day, bad = _days(table["date"])
        if bad.any():
            raise PaymentRiskError("every payment needs a date")
        amount = _amounts(table["amount"])
        accounts = [a.replace(" ", "").upper() for a in _text(table["bank_account"])]
        changed, no_change = _days(table["account_changed_at"])
        posted, no_post = _days(table["bill_posted_at"])
        owners, vendor_country = (
            _text(table["account_owner"]),
            _text(table["vendor_country"]),
        )
        country = _text(table["account_country"])
        account_vendors = defaultdict(set)
        for vendor, known in self.accounts_.items():
            for account in known:
                account_vendors[account].add(vendor)
        reasons = self._amount_reasons(keys, amount)
        for i in range(size):
            vendor, account, items = vendors[i], accounts[i], reasons[i]
            items[:] = [item for item in items if item[0] == "amount_outlier"]
            if account:
                age = int(day[i] - changed[i]) if not no_change[i] else None
                if age is not None and 0 <= age <= self.recent_days:
                    items.append(
                        (
                            "bank_account_changed",
                            WEIGHTS["bank_account_changed"],
                            {"days": age, "account": account},
                        )
                    )
                if owners[i] and owners[i] != vendor:
                    items.append(
                        (
                            "bank_account_other_owner",
                            WEIGHTS["bank_account_other_owner"],
                            {"owner": owners[i], "account": account},
                        )
                    )
                if country[i] and vendor_country[i] and country[i] != vendor_country[i]:
                    items.append(
                        (
                            "bank_account_other_country",
                            WEIGHTS["bank_account_other_country"],
                            {
                                "country": country[i],
                                "vendor_country": vendor_country[i],
                            },
                        )
                    )
                known = self.accounts_.get(vendor)
                if known and account not in known:
                    items.append(
                        (
                            "bank_account_new",
                            WEIGHTS["bank_account_new"],
                            {"account": account},
                        )
                    )
                others = account_vendors.get(account, set()) - {vendor}
                if others:
                    items.append(
                        (
                            "bank_account_other_vendor",
                            WEIGHTS["bank_account_other_vendor"],
                            {"vendor": sorted(others)[0], "account": account},
                        )
                    )
            if not no_post[i] and posted[i] == day[i]:
                items.append(("paid_same_day", WEIGHTS["paid_same_day"], {}))
        result = self._finish(vendors.tolist(), reasons, feedback or {})
        result["id"] = ids.tolist()
        return result

    def explain(self, data):
        """{"bills": {...}, "payments": {...}}, each with ``id``, ``score`` (0-100),
        ``flagged`` and ``reasons`` (lists of {"code", "weight", "params"}).

        ``data`` may also hold ``feedback`` rows and ``context_bills`` (bills to
        compare with, not to score)."""
        feedback = self._feedback(data)
        return {
            "bills": self.explain_bills(
                data.get("bills"), feedback, data.get("context_bills")
            ),
            "payments": self.explain_payments(data.get("payments"), feedback),
        }

    def predict(self, data):
        """Scores of the bills and payments of ``data``."""
        explained = self.explain(data)
        return {name: part["score"] for name, part in explained.items()}

    def score(self, data):
        """Share of the bills and payments of ``data`` that are flagged."""
        explained = self.explain(data)
        flags = explained["bills"]["flagged"] + explained["payments"]["flagged"]
        return float(np.mean(flags)) if flags else 0.0


def evaluate(data, **hyperparameters):
    """Fit on all bills; report the share flagged among the most recent fifth of the
    bills scanned against the earlier ones (alerts a reviewer would get)."""
    bills, size = as_table((data or {}).get("bills"), BILL_COLUMNS)
    if size < 2:
        raise InsufficientDataError("at least two vendor bills are needed")
    day, __ = _days(bills["date"])
    order = np.argsort(day, kind="stable")
    cut = max(1, int(math.floor(size * 0.8)))
    past, recent = order[:cut], order[cut:]

    def rows(index):
        return {name: [values[i] for i in index] for name, values in bills.items()}

    holdout = PaymentRiskModel(**hyperparameters).fit(
        {"bills": rows(past), "payments": data.get("payments")}
    )
    flagged = holdout.explain_bills(rows(recent))["flagged"] if len(recent) else []
    model = PaymentRiskModel(**hyperparameters).fit(data)
    metrics = {
        "flag_rate": float(np.mean(flagged)) if flagged else 0.0,
        "n_bills": size,
        "n_vendors": len(model.vendor_counts_),
        "n_holdout": len(recent),
    }
    return TrainingResult(
        model=model,
        metrics=metrics,
        primary_metric="flag_rate",
        higher_is_better=False,
        n_rows=size,
    )
