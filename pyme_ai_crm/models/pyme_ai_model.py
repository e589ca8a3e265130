# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PymeAiModel(models.Model):
    _inherit = "pyme.ai.model"

    # Lead scoring after a new model: the open leads of a later stripe, or of this
    # stripe with a higher id, are still to be rescored (-1: none). A cursor instead
    # of a flag on every lead: the rescoring writes only the leads whose score changed.
    lead_rescore_after_id = fields.Integer(
        string="Lead Rescoring Cursor", default=-1, readonly=True, copy=False
    )
    lead_rescore_stripe = fields.Integer(
        string="Lead Rescoring Stripe", default=0, readonly=True, copy=False
    )
