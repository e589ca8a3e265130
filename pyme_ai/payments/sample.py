"""Deterministic synthetic ledgers with planted cases, for the sample, tests and bench.

``generate_ledger`` draws vendor bills and their payments over several years for
hundreds of vendors of three kinds:

- *monthly* (10 %): rent, leasing, software; the same amount every month, references
  numbered in sequence, a constant text or none: legitimate repeats;
- *utility* (10 %): monthly, seasonal amounts (higher in winter);
- *supplier* (80 %): irregular bills (Poisson, a few to dozens a month), log-normal
  amounts, some vendors billing round amounts, each with its reference format.

Each vendor has usual users and office-hour postings; 10 % change their bank account
once, legitimately. Planted, in these proportions of the bills (``RATES``):
duplicates 0.8 % (20 % the exact reference Odoo catches, 30 % the reference written
differently, 15 % a typo in it, 10 % without reference, 10 % the same attachment, 15 %
under a second vendor record with the same bank account); amount outliers 0.4 %
(6-20 times the vendor's usual amount); new vendors whose first bill is large
0.05 %; and among payments, bank-account swaps 0.3 % (the account an impostor set
1-14 days before the payment, abroad half of the time, under another owner 30 %).

``labels`` give the planted kind of each bill and payment id; ``monthly`` the ids of
the legitimate monthly repeats.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import numpy as np

from .model import BILL_COLUMNS, PAYMENT_COLUMNS

RATES = {
    "duplicate": 0.008,
    "outlier": 0.004,
    "new_vendor_large": 0.0005,
    "swap": 0.003,
}
DUPLICATE_KINDS = {
    "exact": 0.2,
    "reformatted": 0.3,
    "typo": 0.15,
    "no_reference": 0.1,
    "attachment": 0.1,
    "other_vendor": 0.15,
}
USERS = ("ana", "luis", "marta", "jordi")
COUNTRIES = ("PT", "FR", "DE", "IT")
END = dt.date(2025, 12, 31)


def _iban(rng, country="ES"):
    return country + "".join(str(d) for d in rng.integers(0, 10, 22))


def _reference(style, seq, year):
    if style == 0:
        return f"F-{year}/{seq:04d}"
    if style == 1:
        return f"FV{year % 100:02d}-{seq:05d}"
    if style == 2:
        return f"INV-{seq:06d}"
    if style == 3:
        return f"{year}-{seq}"
    if style == 4:
        return f"A{seq}"
    return ""


def _reformat(reference, rng):
    """The same reference as someone else would type it."""
    groups, current = [], ""
    for char in reference:
        kind = char.isdigit()
        if current and (not char.isalnum() or current[-1].isdigit() != kind):
            groups.append(current)
            current = ""
        if char.isalnum():
            current += char
    if current:
        groups.append(current)
    out = []
    for group in groups:
        if group.isdigit():
            group = group.lstrip("0") or "0"
            if len(group) == 4 and group.startswith("20") and rng.random() < 0.5:
                group = group[2:]
            elif rng.random() < 0.5:
                group = group.zfill(len(group) + 2)
        else:
            group = group.lower() if rng.random() < 0.5 else group
        out.append(group)
    separator = str(rng.choice(["", " ", "/", "-", "."]))
    text = out[0]
    for previous, group in zip(out, out[1:], strict=False):
        both_numbers = previous.isdigit() and group.isdigit()
        text += (separator or "-" if both_numbers else separator) + group
    return text if text != reference else text.lower() + " "


def _typo(reference, rng):
    chars = list(reference)
    positions = [i for i, c in enumerate(chars) if c.isalnum()]
    i = int(rng.choice(positions))
    action = rng.integers(0, 3)
    if action == 0 and i + 1 < len(chars) and chars[i + 1].isalnum():
        chars[i], chars[i + 1] = chars[i + 1], chars[i]
    elif action == 1:
        chars.insert(i, str(rng.integers(1, 10)))
    else:
        chars[i] = str((int(chars[i]) + 1) % 10) if chars[i].isdigit() else "X"
    result = "".join(chars)
    return result if result != reference else reference + "1"


def generate_ledger(n_vendors=400, years=4, n_bills=None, seed=0, end=END, rates=None):
    """A synthetic ledger: {"bills", "payments"} tables (column -> list), "labels"
    ({"bills": {id: kind}, "payments": {id: kind}}) and "monthly" (ids of legitimate
    monthly repeats). ``n_bills`` (about) sets the size, else ~250 bills per vendor
    over four years."""
    rates = dict(RATES, **(rates or {}))
    rng = np.random.default_rng(seed)
    n_days = int(365.25 * years)
    first = np.datetime64(end, "D") - (n_days - 1)
    kinds = rng.choice(3, n_vendors, p=[0.1, 0.1, 0.8])
    late = rng.random(n_vendors) < 0.15
    starts = np.where(late, rng.integers(0, int(n_days * 0.8), n_vendors), 0)
    months = (n_days - starts) / 30.44
    rate = rng.lognormal(np.log(3.0), 1.0, n_vendors)  # supplier bills per month
    supplier = kinds == 2
    wanted = (n_bills or 62 * n_vendors * years) - months[~supplier].sum()
    wanted /= 1 + rates["duplicate"] + rates["new_vendor_large"]
    rate *= max(wanted, 0) / max((rate * months)[supplier].sum(), 1)
    bills = {name: [] for name in BILL_COLUMNS}
    meta = []  # per bill: vendor index
    vendors = []
    for v in range(n_vendors):
        start = int(starts[v])
        country = "ES" if rng.random() < 0.9 else str(rng.choice(COUNTRIES))
        vendor = {
            "name": f"Vendor {v:04d}",
            "kind": int(kinds[v]),
            "country": country,
            "account": _iban(rng, country),
            "change": None,
            "users": list(rng.choice(USERS, int(rng.integers(1, 3)), replace=False)),
            "style": int(rng.integers(0, 6)) if kinds[v] != 0 else 6,
            "mu": float(rng.uniform(np.log(40), np.log(6000))),
            "sigma": float(rng.uniform(0.2, 0.6)),
            "round": rng.random() < 0.15,
            "start": start,
        }
        if rng.random() < 0.1:
            vendor["change"] = (
                int(rng.integers(start + 30, n_days)) if start + 30 < n_days else None,
                _iban(rng, country),
            )
        vendors.append(vendor)
        if vendor["kind"] == 2:
            n = rng.poisson(rate[v] * (n_days - start) / 30.4)
            days = np.sort(rng.integers(start, n_days, n))
            amounts = rng.lognormal(vendor["mu"], vendor["sigma"], n)
            if vendor["round"]:
                amounts = np.maximum(np.round(amounts / 50) * 50, 50)
        else:
            day_of_month = int(rng.integers(1, 28))
            months = np.arange(int(start / 30.44) + 1, int((n_days - 3) / 30.44))
            jitter = rng.integers(-2, 3, len(months))
            days = (months * 30.44 + day_of_month + jitter).astype(int)
            days = days[days < n_days]
            if vendor["kind"] == 0:
                amounts = np.full(len(days), round(float(rng.uniform(300, 3000)), 2))
            else:
                month = (first + days).astype("datetime64[M]").astype(int) % 12
                season = 1 + 0.4 * np.cos(2 * np.pi * month / 12)
                noise = rng.lognormal(0, 0.1, len(days))
                amounts = np.exp(vendor["mu"] - 1) * season * noise
        amounts = np.round(amounts, 2)
        seq = int(rng.integers(1, 500))
        constant = "" if rng.random() < 0.4 else "Alquiler local"
        last_year = None
        for day, amount in zip(days.tolist(), amounts.tolist(), strict=True):
            date = first + day
            year = int(str(date)[:4])
            if vendor["style"] in (0, 1, 3, 6) and year != last_year:
                seq = 1
            last_year = year
            if vendor["style"] == 6:  # monthly: sequence, constant text or none
                reference = f"REC-{year}-{seq:03d}" if v % 3 == 0 else constant
            else:
                reference = _reference(vendor["style"], seq, year)
            seq += 1
            _append_bill(bills, rng, vendor, date, amount, reference)
            meta.append(v)
    size = len(bills["id"])
    labels = {"bills": {}, "payments": {}}
    monthly = {bills["id"][i] for i in range(size) if vendors[meta[i]]["kind"] == 0}
    _plant_outliers(bills, meta, vendors, rng, rates, labels)
    _plant_duplicates(bills, meta, vendors, rng, rates, labels)
    _plant_new_vendors(bills, vendors, rng, rates, labels, first, n_days)
    payments = _payments(bills, vendors, rng, rates, labels, first)
    return {"bills": bills, "payments": payments, "labels": labels, "monthly": monthly}


def _append_bill(bills, rng, vendor, date, amount, reference, after=None, **override):
    posted = date + int(rng.integers(0, 6))
    if after is not None:  # entered again later
        posted = max(posted, after + int(rng.integers(1, 4)))
    hour = int(np.clip(rng.normal(12, 2.5), 8, 19))
    values = {
        "id": f"B{len(bills['id']) + 1:07d}",
        "vendor": vendor["name"],
        "date": str(date),
        "posted_at": f"{posted} {hour:02d}:{int(rng.integers(0, 60)):02d}:00",
        "amount": amount,
        "currency": "EUR",
        "reference": reference,
        "bank_account": vendor["account"],
        "checksum": f"{int(rng.integers(0, 2**63)):032x}",
        "user": str(rng.choice(vendor["users"])),
    }
    values.update(override)
    for name, value in values.items():
        bills[name].append(value)


def _plant_outliers(bills, meta, vendors, rng, rates, labels):
    size = len(bills["id"])
    counts = np.bincount(meta, minlength=len(vendors))
    eligible = [i for i in range(size) if counts[meta[i]] >= 10]
    picks = rng.choice(eligible, int(rates["outlier"] * size), replace=False)
    for i in picks.tolist():
        bills["amount"][i] = round(bills["amount"][i] * float(rng.uniform(6, 20)), 2)
        labels["bills"][bills["id"][i]] = "outlier"


def _plant_duplicates(bills, meta, vendors, rng, rates, labels):
    size = len(bills["id"])
    names = list(DUPLICATE_KINDS)
    eligible = [
        i
        for i in range(size)
        if bills["reference"][i] and bills["id"][i] not in labels["bills"]
    ]
    picks = rng.choice(eligible, int(rates["duplicate"] * size), replace=False)
    for i in picks.tolist():
        kind = str(rng.choice(names, p=list(DUPLICATE_KINDS.values())))
        vendor = dict(vendors[meta[i]])
        date = np.datetime64(bills["date"][i]) + int(rng.integers(0, 8))
        reference = bills["reference"][i]
        override = {"amount": bills["amount"][i]}
        if kind == "reformatted":
            reference = _reformat(reference, rng)
        elif kind == "typo":
            reference = _typo(reference, rng)
        elif kind == "no_reference":
            reference = ""
        elif kind == "attachment":
            reference = f"{reference} copia"
            override["checksum"] = bills["checksum"][i]
        elif kind == "other_vendor":
            vendor["name"] = vendor["name"] + " (2)"
            reference = _reformat(reference, rng) if rng.random() < 0.5 else reference
        after = np.datetime64(bills["posted_at"][i][:10])
        amount = override.pop("amount")
        _append_bill(bills, rng, vendor, date, amount, reference, after, **override)
        labels["bills"][bills["id"][-1]] = f"duplicate:{kind}"


def _plant_new_vendors(bills, vendors, rng, rates, labels, first, n_days):
    size = len(bills["id"])
    high = float(np.quantile(bills["amount"], 0.99))
    for k in range(max(1, int(rates["new_vendor_large"] * size))):
        vendor = {
            "name": f"New vendor {k:03d}",
            "country": "ES",
            "account": _iban(rng),
            "change": None,
            "users": list(USERS[:1]),
        }
        vendors.append(vendor)
        date = first + int(rng.integers(n_days // 2, n_days))
        amount = round(high * float(rng.uniform(1.5, 5)), 2)
        _append_bill(bills, rng, vendor, date, amount, f"N-{k + 1}")
        labels["bills"][bills["id"][-1]] = "new_vendor_large"


def _payments(bills, vendors, rng, rates, labels, first):
    by_name = {vendor["name"]: vendor for vendor in vendors}
    for vendor in vendors:
        if vendor["name"].endswith(" (2)"):
            continue
        twin = dict(vendor, name=vendor["name"] + " (2)")
        by_name.setdefault(twin["name"], twin)
    payments = {name: [] for name in PAYMENT_COLUMNS}
    size = len(bills["id"])
    swaps = set(rng.choice(size, int(rates["swap"] * size), replace=False).tolist())
    opened = first - 3 * 365
    for i in range(size):
        vendor = by_name[bills["vendor"][i]]
        posted = np.datetime64(bills["posted_at"][i][:10])
        day = posted + (0 if rng.random() < 0.01 else int(rng.integers(1, 46)))
        account, changed = vendor["account"], opened
        change = vendor.get("change")
        if change and change[0] is not None and day >= first + change[0]:
            account, changed = change[1], first + change[0]
        owner = vendor["name"]
        pay_id = f"P{i + 1:07d}"
        if i in swaps:
            country = str(rng.choice(COUNTRIES)) if rng.random() < 0.5 else "ES"
            account = _iban(rng, country)
            changed = day - int(rng.integers(1, 15))
            if rng.random() < 0.3:
                owner = "Other partner"
            labels["payments"][pay_id] = "swap"
        values = {
            "id": pay_id,
            "vendor": vendor["name"],
            "date": str(day),
            "amount": bills["amount"][i],
            "currency": "EUR",
            "bank_account": account,
            "account_changed_at": str(changed),
            "account_owner": owner,
            "account_country": account[:2],
            "vendor_country": vendor["country"],
            "bill_posted_at": str(posted),
        }
        for name, value in values.items():
            payments[name].append(value)
    return payments


def write_sample(out_dir, n_vendors=40, years=2, seed=0):
    """Write ``payments_bills.csv``, ``payments_payments.csv`` and
    ``payments_planted.csv`` (id, table, planted kind); returns their paths."""
    ledger = generate_ledger(n_vendors=n_vendors, years=years, seed=seed)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name in ("bills", "payments"):
        path = out / f"payments_{name}.csv"
        table = ledger[name]
        with open(path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh)
            writer.writerow(list(table))
            writer.writerows(zip(*table.values(), strict=True))
        paths.append(path)
    path = out / "payments_planted.csv"
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["id", "table", "planted"])
        for table in ("bills", "payments"):
            for record_id, kind in sorted(ledger["labels"][table].items()):
                writer.writerow([record_id, table, kind])
    paths.append(path)
    return paths
