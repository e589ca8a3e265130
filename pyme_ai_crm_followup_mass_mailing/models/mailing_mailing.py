# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    # mailing.mailing has no company in Odoo 18: the follow-up rules need one so
    # that a mailing of one company never follows up the leads of another.
    ai_company_id = fields.Many2one(
        "res.company",
        string="Follow-up Company",
        index=True,
        default=lambda self: self.env.company,
        help="Only the AI follow-up rules of this company act on the opens and "
        "replies of this mailing (any company's rules when empty).",
    )
