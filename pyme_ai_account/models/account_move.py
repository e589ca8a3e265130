# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models
from odoo.tools import SQL

from .pyme_ai_payment_risk import BILL_TYPES


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["account.move", "pyme.ai.risk.mixin"]

    ai_posted_at = fields.Datetime(
        string="AI Posted On",
        readonly=True,
        copy=False,
        groups="account.group_account_invoice,account.group_account_readonly",
    )

    def _post(self, soft=True):
        """Posted vendor bills are queued for a scan by the cron (not scanned in
        the posting transaction)."""
        posted = super()._post(soft=soft)
        bills = posted.filtered(lambda move: move.move_type in BILL_TYPES)
        if bills:
            self.flush_model(["ai_posted_at", "ai_risk_pending"])
            self.env.cr.execute(
                SQL(
                    "UPDATE account_move SET ai_posted_at = %s, ai_risk_pending = TRUE "
                    "WHERE id = ANY(%s)",
                    fields.Datetime.now(),
                    bills.ids,
                )
            )
            bills.invalidate_recordset(["ai_posted_at", "ai_risk_pending"])
            risk = self.env["pyme.ai.payment.risk"]
            if risk._ai_is_enabled():
                risk._ai_trigger_apply()
        return posted

    def _ai_feedback_field(self):
        return "move_id"
