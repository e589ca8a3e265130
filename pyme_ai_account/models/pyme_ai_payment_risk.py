# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Unusual vendor bills and payments: ledger records read in batches, fed to
pyme_ai.payments; reasons stored as codes and rendered in the reader's language."""

import json
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice, translate

from pyme_ai import payments as engine

_lt = LazyTranslate(__name__)

#: most recent posted bills (and payments) learnt from
MAX_TRAINING_BILLS = 100000
#: bills entered since the last training that every scan also compares with
MAX_CONTEXT_BILLS = 20000
BILL_TYPES = ("in_invoice",)
ACTIVITY_XMLID = "pyme_ai_account.mail_activity_type_ai_review"

REASON_TEXTS = {
    "duplicate_reference": _lt("Same reference as %(bill)s of %(date)s (%(amount)s)."),
    "similar_reference": _lt(
        "Reference almost equal to that of %(bill)s (%(date)s, %(amount)s)."
    ),
    "same_amount": _lt("Same amount as %(bill)s, %(days)s day(s) apart."),
    "same_attachment": _lt("The attached file is the same as in %(bill)s."),
    "duplicate_other_vendor": _lt(
        "Same amount and bank account as %(bill)s of another vendor, %(vendor)s."
    ),
    "bank_account_other_vendor": _lt(
        "The bank account %(account)s is also used by %(vendor)s."
    ),
    "amount_outlier": _lt(
        "Amount %(amount)s is %(ratio)s times this vendor's usual %(usual)s."
    ),
    "new_vendor_large": _lt("First bill of a new vendor, and a large one: %(amount)s."),
    "round_amount": _lt("Round amount %(amount)s, which this vendor never bills."),
    "unusual_hour": _lt("Posted at an unusual hour (%(hour)s h)."),
    "unusual_user": _lt(
        "Posted by %(user)s, who never posted this vendor's bills before."
    ),
    "bank_account_changed": _lt(
        "The bank account %(account)s was added or changed %(days)s day(s) before "
        "this payment."
    ),
    "bank_account_other_owner": _lt(
        "The bank account %(account)s belongs to %(owner)s, not to the vendor."
    ),
    "bank_account_other_country": _lt(
        "The bank account is in %(country)s; the vendor is in %(vendor_country)s."
    ),
    "bank_account_new": _lt(
        "The bank account %(account)s was never used before for this vendor."
    ),
    "paid_same_day": _lt("Paid the same day the bill was posted."),
}
REASON_LABELS = {
    "duplicate_reference": _lt("Same reference"),
    "similar_reference": _lt("Similar reference"),
    "same_amount": _lt("Same amount shortly before"),
    "same_attachment": _lt("Same attachment"),
    "duplicate_other_vendor": _lt("Same bill under another vendor"),
    "bank_account_other_vendor": _lt("Bank account of another vendor"),
    "amount_outlier": _lt("Unusual amount"),
    "new_vendor_large": _lt("Large first bill"),
    "round_amount": _lt("Round amount"),
    "unusual_hour": _lt("Unusual hour"),
    "unusual_user": _lt("Unusual user"),
    "bank_account_changed": _lt("Bank account changed recently"),
    "bank_account_other_owner": _lt("Bank account of another holder"),
    "bank_account_other_country": _lt("Bank account in another country"),
    "bank_account_new": _lt("New bank account"),
    "paid_same_day": _lt("Paid the day it was posted"),
}
BLOCK_PARAM = "pyme_ai_account.block_flagged"


class PymeAiPaymentRisk(models.AbstractModel):
    _name = "pyme.ai.payment.risk"
    _inherit = "pyme.ai.capability"
    _description = "AI Unusual Bills and Payments"

    _ai_kind = engine.KIND
    _ai_kind_label = _lt("Unusual bills and payments")
    _ai_train_cron_xmlid = "pyme_ai_account.ir_cron_train_payment_risk"
    _ai_apply_cron_xmlid = "pyme_ai_account.ir_cron_scan_bills"
    _ai_apply_mode = "batch"
    _ai_target_model = "account.move"
    _ai_apply_batch_size = 2000
    # more flags on new history is no reason to keep an older model
    _ai_protect_active = False
    _ai_notices = {
        "few_bills": _lt(
            "The AI needs %(needed)s posted vendor bills to learn from; there are "
            "%(count)s."
        ),
    }
    _ai_metrics = {
        "flag_rate": (_lt("Share of recent bills flagged"), "lower"),
        "n_bills": (_lt("Bills learnt from"), "higher"),
        "n_vendors": (_lt("Vendors"), "higher"),
        "n_holdout": (_lt("Recent bills checked"), "higher"),
    }

    # ------------------------------------------------------------------ texts
    @api.model
    def _ai_reason_labels(self):
        return {
            code: translate(self.env, label) for code, label in REASON_LABELS.items()
        }

    @api.model
    def _ai_reason_lines(self, reasons, currency):
        """``reasons`` (engine dicts) as sentences in the reader's language."""
        lines = []
        for reason in reasons or ():
            template = REASON_TEXTS.get(reason.get("code"))
            if not template:
                continue
            params = self._ai_format_params(reason.get("params") or {}, currency)
            try:
                lines.append(translate(self.env, template) % params)
            except (KeyError, TypeError, ValueError):
                lines.append(translate(self.env, REASON_LABELS[reason["code"]]))
        return lines

    @api.model
    def _ai_render_reasons(self, reasons, currency):
        """HTML list of ``reasons`` in the reader's language."""
        items = Markup("").join(
            Markup("<li>%s</li>") % line
            for line in self._ai_reason_lines(reasons, currency)
        )
        return Markup("<ul class='mb-0'>%s</ul>") % items if items else False

    def _ai_format_params(self, params, currency):
        env = self.env
        values = dict(params)
        for key in ("amount", "usual"):
            if isinstance(values.get(key), int | float):
                values[key] = formatLang(env, values[key], currency_obj=currency)
        if isinstance(values.get("ratio"), int | float):
            values["ratio"] = formatLang(env, values["ratio"], digits=1)
        if values.get("date"):
            values["date"] = format_date(env, values["date"])
        if str(values.get("bill", "")).isdigit():
            move = env["account.move"].sudo().browse(int(values["bill"])).exists()
            values["bill"] = move.display_name if move else values["bill"]
        for key in ("vendor", "owner"):
            if str(values.get(key, "")).isdigit():
                partner = env["res.partner"].sudo().browse(int(values[key])).exists()
                values[key] = partner.display_name if partner else values[key]
        if str(values.get("user", "")).isdigit():
            user = env["res.users"].sudo().browse(int(values["user"])).exists()
            values["user"] = user.name if user else values["user"]
        for key in ("country", "vendor_country"):
            if values.get(key):
                country = env["res.country"].search([("code", "=", values[key])])
                values[key] = country[:1].name or values[key]
        values.setdefault("reference", "—")
        return {
            key: value if value not in ("", None) else "—"
            for key, value in values.items()
        }

    # ------------------------------------------------------------------ tables
    @api.model
    def _ai_bill_rows(self, moves):
        """Engine bill records of ``moves``."""
        if not moves:
            return []
        rows = moves.read(
            [
                "commercial_partner_id",
                "invoice_date",
                "date",
                "ai_posted_at",
                "create_date",
                "amount_total",
                "currency_id",
                "ref",
                "partner_bank_id",
                "create_uid",
            ],
            load=None,
        )
        banks = self._ai_banks({row["partner_bank_id"] for row in rows})
        currencies = {
            c.id: c.name
            for c in self.env["res.currency"]
            .sudo()
            .browse({row["currency_id"] for row in rows if row["currency_id"]})
        }
        checksums = {}
        for attachment in (
            self.env["ir.attachment"]
            .sudo()
            .search_read(
                [("res_model", "=", "account.move"), ("res_id", "in", moves.ids)],
                ["res_id", "checksum"],
                order="id",
            )
        ):
            checksums.setdefault(attachment["res_id"], attachment["checksum"])
        return [
            {
                "id": str(row["id"]),
                "vendor": str(row["commercial_partner_id"] or ""),
                "date": row["invoice_date"] or row["date"],
                "posted_at": row["ai_posted_at"] or row["create_date"],
                "amount": row["amount_total"],
                "currency": currencies.get(row["currency_id"], ""),
                "reference": row["ref"] or "",
                "bank_account": banks.get(row["partner_bank_id"], {}).get("number", ""),
                "checksum": checksums.get(row["id"], ""),
                "user": str(row["create_uid"] or ""),
            }
            for row in rows
        ]

    def _ai_banks(self, bank_ids):
        banks = {}
        for bank in (
            self.env["res.partner.bank"]
            .sudo()
            .browse([bank_id for bank_id in bank_ids if bank_id])
        ):
            number = bank.sanitized_acc_number or ""
            country = number[:2] if number[:2].isalpha() else bank.bank_id.country.code
            banks[bank.id] = {
                "number": number,
                "changed": bank.ai_changed_date or bank.create_date,
                "owner": str(bank.partner_id.commercial_partner_id.id or ""),
                "country": country or "",
            }
        return banks

    @api.model
    def _ai_payment_rows(self, payments):
        """Engine payment records of ``payments``."""
        if not payments:
            return []
        banks = self._ai_banks(set(payments.sudo().partner_bank_id.ids))
        rows = []
        for payment in payments.sudo():
            vendor = payment.partner_id.commercial_partner_id
            bank = banks.get(payment.partner_bank_id.id, {})
            bills = payment.reconciled_bill_ids
            posted = [bill.ai_posted_at for bill in bills if bill.ai_posted_at]
            rows.append(
                {
                    "id": str(payment.id),
                    "vendor": str(vendor.id or ""),
                    "date": payment.date,
                    "amount": payment.amount,
                    "currency": payment.currency_id.name or "",
                    "bank_account": bank.get("number", ""),
                    "account_changed_at": bank.get("changed"),
                    "account_owner": bank.get("owner", ""),
                    "account_country": bank.get("country", ""),
                    "vendor_country": vendor.country_id.code or "",
                    "bill_posted_at": min(posted).date() if posted else None,
                }
            )
        return rows

    # ------------------------------------------------------------------ domains
    @api.model
    def _ai_bill_domain(self, company):
        return [
            ("move_type", "in", BILL_TYPES),
            ("state", "=", "posted"),
            ("company_id", "=", company.id),
        ]

    @api.model
    def _ai_payment_domain(self, company):
        return [
            ("payment_type", "=", "outbound"),
            ("partner_type", "=", "supplier"),
            ("company_id", "=", company.id),
        ]

    # ------------------------------------------------------------------ training
    def _ai_training_data(self):
        company = self.env.company
        Move = self.env["account.move"].sudo()
        bills = Move.search(
            self._ai_bill_domain(company),
            order="date desc, id desc",
            limit=MAX_TRAINING_BILLS,
        )
        minimum = self._ai_min_samples()
        if len(bills) < minimum:
            raise AiNotice(self, "few_bills", count=len(bills), needed=minimum)
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                self._ai_payment_domain(company)
                + [("state", "not in", ("draft", "canceled"))],
                order="date desc, id desc",
                limit=MAX_TRAINING_BILLS,
            )
        )
        return {
            "bills": self._ai_bill_rows(bills),
            "payments": self._ai_payment_rows(payments),
            "feedback": self.env["pyme.ai.payment.feedback"]._ai_rows(company),
        }

    def _ai_fit(self, data):
        return engine.evaluate(data)

    def _ai_after_activate(self, ai_model, previous):
        """A new model scans again the bills still to review."""
        res = super()._ai_after_activate(ai_model, previous)
        Move = self.env["account.move"]
        Move.flush_model(["ai_risk_pending", "ai_review_state"])
        self.env.cr.execute(
            SQL(
                "UPDATE account_move SET ai_risk_pending = TRUE "
                "WHERE company_id = %s AND ai_review_state = 'to_review'",
                ai_model.company_id.id,
            )
        )
        Move.invalidate_model(["ai_risk_pending"])
        return res

    # ------------------------------------------------------------------ applying
    def _ai_apply_domain(self, ai_model):
        return [
            ("ai_risk_pending", "=", True),
            ("company_id", "=", ai_model.company_id.id),
        ]

    def _ai_context_bills(self, ai_model, records):
        """Posted bills entered since the model's training (not in its history)."""
        since = (ai_model.train_date or fields.Datetime.now()) - timedelta(days=1)
        return (
            self.env["account.move"]
            .sudo()
            .search(
                self._ai_bill_domain(ai_model.company_id)
                + [("create_date", ">=", since), ("id", "not in", records.ids)],
                order="create_date desc, id desc",
                limit=MAX_CONTEXT_BILLS,
            )
        )

    def _ai_apply(self, records, engine_model, ai_model):
        company = ai_model.company_id
        feedback = self.env["pyme.ai.payment.feedback"]._ai_rows(company)
        bills = records.filtered(
            lambda move: move.move_type in BILL_TYPES and move.state == "posted"
        )
        found = engine_model.explain(
            {
                "bills": self._ai_bill_rows(bills),
                "context_bills": self._ai_bill_rows(
                    self._ai_context_bills(ai_model, records)
                ),
                "feedback": feedback,
            }
        )["bills"]
        self._ai_write_flags(bills, found)
        (records - bills)._ai_clear_pending()
        payments = (
            self.env["account.payment"]
            .sudo()
            .search(
                self._ai_payment_domain(company) + [("ai_risk_pending", "=", True)],
                limit=self._ai_apply_batch_size,
            )
        )
        if payments:
            self._ai_scan_payments(payments, engine_model, feedback)

    def _ai_scan_payments(self, payments, engine_model, feedback=None):
        if feedback is None:
            feedback = self.env["pyme.ai.payment.feedback"]._ai_rows(
                payments.company_id[:1]
            )
        found = engine_model.explain(
            {"payments": self._ai_payment_rows(payments), "feedback": feedback}
        )["payments"]
        self._ai_write_flags(payments, found)

    @api.model
    def _ai_write_flags(self, records, found):
        """Store scores and reason codes (one UPDATE), then an activity for each
        record newly flagged. Nothing else of the records changes."""
        if not records:
            return
        current = dict(records.sudo().mapped(lambda r: (r.id, r.ai_review_state)))
        values, flagged, cleared = [], [], []
        for index, record_id in enumerate(found["id"]):
            record_id = int(record_id)
            state = current.get(record_id) or None
            if state not in ("reviewed", "dismissed"):
                if found["flagged"][index]:
                    if state != "to_review":
                        flagged.append(record_id)
                    state = "to_review"
                else:
                    if state == "to_review":
                        cleared.append(record_id)
                    state = None
            values.append(
                SQL(
                    "(%s, %s, %s::jsonb, %s)",
                    record_id,
                    found["score"][index],
                    json.dumps(found["reasons"][index]),
                    state,
                )
            )
        table = SQL.identifier(records._table)
        records.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE %s t
                   SET ai_risk_score = v.score, ai_risk_reasons = v.reasons,
                       ai_review_state = v.state, ai_risk_pending = FALSE,
                       ai_risk_date = %s
                  FROM (VALUES %s) AS v(id, score, reasons, state)
                 WHERE t.id = v.id
                """,
                table,
                fields.Datetime.now(),
                SQL(", ").join(values),
            )
        )
        records.invalidate_recordset(
            [
                "ai_risk_score",
                "ai_risk_reasons",
                "ai_review_state",
                "ai_risk_pending",
                "ai_risk_date",
            ]
        )
        records.browse(flagged)._ai_schedule_review()
        records.browse(cleared).sudo().activity_unlink([ACTIVITY_XMLID])

    # ------------------------------------------------------------------ settings
    @api.model
    def _ai_blocking(self):
        return self._ai_param(BLOCK_PARAM, False, bool)

    @api.model
    def _ai_active_engine(self, company):
        ai_model = self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind, company)
        engine_model = ai_model._load_engine_model() if ai_model else None
        return engine_model
