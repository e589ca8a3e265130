# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, models

#: payment fields whose change asks for a new scan
SCANNED_FIELDS = {"partner_id", "partner_bank_id", "amount", "date", "currency_id"}


class AccountPayment(models.Model):
    _name = "account.payment"
    _inherit = ["account.payment", "pyme.ai.risk.mixin"]

    def _ai_is_vendor_payment(self):
        return self.payment_type == "outbound" and self.partner_type == "supplier"

    @api.model_create_multi
    def create(self, vals_list):
        payments = super().create(vals_list)
        payments._ai_scan_now()
        return payments

    def write(self, vals):
        res = super().write(vals)
        if SCANNED_FIELDS & set(vals):
            self._ai_scan_now()
        return res

    def _ai_scan_now(self):
        """Scan draft vendor payments right away (one payment is cheap; its flag
        must exist before anyone confirms it)."""
        todo = self.filtered(
            lambda p: p._ai_is_vendor_payment() and p.state == "draft"
        ).sudo()
        if not todo:
            return
        risk = self.env["pyme.ai.payment.risk"].sudo()
        for company in todo.company_id:
            payments = todo.filtered(lambda p, c=company: p.company_id == c)
            engine_model = risk.with_company(company)._ai_active_engine(company)
            if engine_model is None:
                payments.write({"ai_risk_pending": True})
                continue
            risk.with_company(company)._ai_scan_payments(payments, engine_model)

    def action_post(self):
        self.filtered(lambda p: p._ai_is_vendor_payment())._ai_check_payable()
        return super().action_post()

    def _ai_feedback_field(self):
        return "payment_id"
