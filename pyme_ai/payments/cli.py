"""``pyme-ai payments``: scan vendor bills and payments for unusual ones; samples.

``scan`` learns each vendor's pattern from the bills file itself (and the payments
file when given), then checks every bill against the earlier ones and every payment,
and writes the flagged rows (``--all``: every row) with their score and reasons::

    pyme-ai payments sample --out /tmp/ledger
    pyme-ai payments scan /tmp/ledger/payments_bills.csv \\
        --payments /tmp/ledger/payments_payments.csv --out /tmp/flags.csv

Columns (others are ignored; only id, vendor, date and amount are required) —
bills: id, vendor, date, posted_at, amount, currency, reference, bank_account,
checksum, user; payments: id, vendor, date, amount, currency, bank_account,
account_changed_at, account_owner, account_country, vendor_country, bill_posted_at.
"""

from __future__ import annotations

import csv
import json

from ..cli import add_command
from ..tabular import read_csv
from .model import PaymentRiskModel
from .sample import write_sample

#: English one-liners of the reason codes (the Odoo addon renders its own, translated)
TEXTS = {
    "duplicate_reference": "same reference as bill {bill} of {date}",
    "similar_reference": "reference close to {reference} (bill {bill} of {date})",
    "same_amount": "same amount as bill {bill}, {days} day(s) apart",
    "same_attachment": "same attached file as bill {bill}",
    "duplicate_other_vendor": "same amount and bank account as bill {bill} of {vendor}",
    "bank_account_other_vendor": "bank account also used by {vendor}",
    "amount_outlier": "amount {amount:.2f} is {ratio:.1f} times the usual {usual:.2f}",
    "new_vendor_large": "first bill of a new vendor, large: {amount:.2f}",
    "round_amount": "round amount {amount:.2f}; this vendor never bills round amounts",
    "unusual_hour": "posted at an unusual hour ({hour}h)",
    "unusual_user": "posted by {user}, who never posted this vendor's bills",
    "bank_account_changed": "bank account changed {days} day(s) before the payment",
    "bank_account_other_owner": "bank account belongs to {owner}",
    "bank_account_other_country": (
        "bank account in {country}, vendor in {vendor_country}"
    ),
    "bank_account_new": "bank account never used before for this vendor",
    "paid_same_day": "paid the day the bill was posted",
}


def reason_text(reason):
    """One English line for a reason dict."""
    try:
        return TEXTS[reason["code"]].format(**reason.get("params", {}))
    except (KeyError, IndexError, ValueError):
        return reason["code"]


def register(subparsers):
    sub = add_command(
        subparsers,
        "payments",
        "unusual vendor bills and payments (duplicates, bank accounts, outliers)",
        __doc__,
    )
    scan = sub.add_parser("scan", help="score bills (and payments) with reasons")
    scan.add_argument("bills", metavar="BILLS.csv", help="vendor bills CSV")
    scan.add_argument("--payments", metavar="PAYMENTS.csv", help="payments CSV")
    scan.add_argument("--out", required=True, help="flags CSV to write")
    scan.add_argument(
        "--threshold", type=int, default=50, help="score from which a row is flagged"
    )
    scan.add_argument("--all", action="store_true", help="write every row")
    scan.set_defaults(func=cmd_scan)
    sample = sub.add_parser(
        "sample", help="write a synthetic ledger with planted cases"
    )
    sample.add_argument("--out", required=True, help="directory to write into")
    sample.set_defaults(func=cmd_sample)


def cmd_scan(args):
    bills = read_csv(args.bills)
    payments = read_csv(args.payments) if args.payments else None
    model = PaymentRiskModel(threshold=args.threshold).fit(
        {"bills": bills, "payments": payments}
    )
    found = model.explain({"bills": bills, "payments": payments})
    vendors = {"bills": bills["vendor"], "payments": (payments or {}).get("vendor")}
    written = flagged = 0
    with open(args.out, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(
            ["table", "id", "vendor", "score", "flagged", "reasons", "codes"]
        )
        for table, part in found.items():
            for i, record_id in enumerate(part["id"]):
                flagged += part["flagged"][i]
                if not (args.all or part["flagged"][i]):
                    continue
                reasons = part["reasons"][i]
                writer.writerow(
                    [
                        table,
                        record_id,
                        vendors[table][i],
                        part["score"][i],
                        int(part["flagged"][i]),
                        "; ".join(reason_text(r) for r in reasons),
                        json.dumps(reasons, ensure_ascii=False),
                    ]
                )
                written += 1
    n_bills, n_payments = len(found["bills"]["id"]), len(found["payments"]["id"])
    print(
        f"{n_bills} bills and {n_payments} payments scanned, {flagged} flagged; "
        f"{written} rows written to {args.out}"
    )
    return 0


def cmd_sample(args):
    for path in write_sample(args.out):
        print(path)
    return 0
