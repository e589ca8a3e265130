# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models

from pyme_ai.payments import REASON_CODES


class PymeAiPaymentFeedback(models.Model):
    """One "not a problem" of a vendor's reason: remembered by the next trainings and
    lowering that vendor's weight of that reason in every later scan."""

    _name = "pyme.ai.payment.feedback"
    _description = "AI Unusual Payment Feedback"
    _order = "create_date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    partner_id = fields.Many2one(
        "res.partner", string="Vendor", required=True, index=True, ondelete="cascade"
    )
    code = fields.Selection(
        "_selection_code", string="Reason", required=True, index=True
    )
    move_id = fields.Many2one(
        "account.move", string="Bill", ondelete="set null", check_company=True
    )
    payment_id = fields.Many2one(
        "account.payment", string="Payment", ondelete="set null", check_company=True
    )
    user_id = fields.Many2one(
        "res.users", string="Marked By", default=lambda self: self.env.user
    )

    @api.model
    def _selection_code(self):
        labels = self.env["pyme.ai.payment.risk"]._ai_reason_labels()
        return [(code, labels[code]) for code in REASON_CODES]

    @api.model
    def _ai_rows(self, company):
        """Engine feedback rows of ``company``."""
        records = self.sudo().search_read(
            [("company_id", "=", company.id)], ["partner_id", "code"]
        )
        return [
            {"vendor": str(row["partner_id"][0]), "code": row["code"]}
            for row in records
        ]
