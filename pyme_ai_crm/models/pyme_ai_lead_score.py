# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from odoo.addons.pyme_ai_base.tools import ai_model_field

from .crm_lead import TIERS


class PymeAiLeadScore(models.Model):
    _name = "pyme.ai.lead.score"
    _description = "AI Lead Score History"
    _order = "date desc, id desc"
    # written in bulk by the scoring (``date`` and ``model_id`` say when and how)
    _log_access = False

    lead_id = fields.Many2one(
        "crm.lead", required=True, index=True, ondelete="cascade", readonly=True
    )
    # not stored: a lead changing company writes no history row
    company_id = fields.Many2one(related="lead_id.company_id")
    date = fields.Datetime(required=True, readonly=True)
    score = fields.Integer(readonly=True, aggregator="avg")
    probability = fields.Float(digits=(16, 4), readonly=True, aggregator="avg")
    tier = fields.Selection(TIERS, readonly=True)
    model_id = ai_model_field(groups="pyme_ai_base.pyme_ai_base_group_user")
