# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PymeAiFollowupLog(models.Model):
    """What a follow-up rule did on a lead, once per event key."""

    _name = "pyme.ai.followup.log"
    _description = "AI Follow-up Log"
    _order = "date desc, id desc"

    rule_id = fields.Many2one(
        "pyme.ai.followup.rule", required=True, index=True, ondelete="cascade"
    )
    lead_id = fields.Many2one("crm.lead", required=True, index=True, ondelete="cascade")
    key = fields.Char(
        required=True, help="The event acted on (idle period, mailing, visit)."
    )
    activity_id = fields.Many2one("mail.activity", ondelete="set null")
    date = fields.Datetime(required=True, default=fields.Datetime.now)
    # Not stored: a stored related field would make every change of a lead's
    # salesperson or company look its logs up (an extra query on Odoo's own paths).
    # The record rules go through lead_id instead.
    user_id = fields.Many2one(related="lead_id.user_id", string="Salesperson")
    company_id = fields.Many2one(related="lead_id.company_id")

    _sql_constraints = [
        (
            "rule_lead_key_unique",
            "UNIQUE(rule_id, lead_id, key)",
            "A follow-up rule acts once per lead and event.",
        )
    ]
