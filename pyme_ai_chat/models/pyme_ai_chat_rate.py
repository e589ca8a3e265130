# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PymeAiChatRate(models.Model):
    """Request counters of the website chat, per key and time window (see
    ``pyme_ai_chat.rate_limit``); written only by SQL upserts."""

    _name = "pyme.ai.chat.rate"
    _description = "AI Chat Rate Counter"
    _log_access = False

    key = fields.Char(required=True, readonly=True)
    window_start = fields.Integer(required=True, readonly=True)
    hits = fields.Integer(required=True, readonly=True, default=0)

    _sql_constraints = [
        (
            "key_window_unique",
            "UNIQUE(key, window_start)",
            "One counter per key and window.",
        )
    ]
