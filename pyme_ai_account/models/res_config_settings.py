# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

BLOCK_PARAM = "pyme_ai_account.block_flagged"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ai_block_flagged_payments = fields.Boolean(
        string="Block Payment of Flagged Bills",
        config_parameter=BLOCK_PARAM,
        help="A vendor bill or payment flagged as unusual cannot be paid until an "
        "accounting manager has reviewed it.",
    )
