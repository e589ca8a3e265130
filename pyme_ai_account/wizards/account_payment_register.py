# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models


class AccountPaymentRegister(models.TransientModel):
    _inherit = "account.payment.register"

    def _create_payments(self):
        """With the rule on, flagged bills wait for an accounting manager."""
        self.line_ids.move_id.filtered(
            lambda move: move.is_purchase_document()
        )._ai_check_payable()
        return super()._create_payments()
