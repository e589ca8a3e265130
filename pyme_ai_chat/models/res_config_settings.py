# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models

from ..rate_limit import DEFAULT_RATE, RATE_PARAM
from .pyme_ai_chat_assistant import LLM_KEY_PARAM, LLM_MODEL_PARAM, LLM_URL_PARAM
from .pyme_ai_chat_conversation import (
    ANONYMIZE_PARAM,
    DEFAULT_RETENTION_DAYS,
    RETENTION_PARAM,
    USER_PARAM,
)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_chat_retention_days = fields.Integer(
        string="Keep Conversations (days)",
        config_parameter=RETENTION_PARAM,
        default=DEFAULT_RETENTION_DAYS,
        help="Older conversations are deleted every night; 0 keeps them forever.",
    )
    pyme_ai_chat_anonymize = fields.Boolean(
        string="Anonymise Transcripts",
        config_parameter=ANONYMIZE_PARAM,
        help="Mask email addresses and phone numbers in stored chat messages.",
    )
    pyme_ai_chat_rate_limit = fields.Integer(
        string="Messages per Minute",
        config_parameter=RATE_PARAM,
        default=DEFAULT_RATE,
        help="Per visitor; further messages are refused until the minute passes.",
    )
    pyme_ai_chat_user_id = fields.Many2one(
        "res.users",
        string="Contact Requests To",
        config_parameter=USER_PARAM,
        help="Gets an activity when a visitor leaves contact details (without CRM).",
    )
    pyme_ai_chat_llm_url = fields.Char(
        string="LLM Endpoint",
        config_parameter=LLM_URL_PARAM,
        help="Optional OpenAI-compatible API root (e.g. https://host/v1) used to "
        "phrase the matched answer; the answer itself always comes from your FAQs. "
        "Leave empty to keep everything on this server.",
    )
    pyme_ai_chat_llm_model = fields.Char(
        string="LLM Model", config_parameter=LLM_MODEL_PARAM
    )
    pyme_ai_chat_llm_api_key = fields.Char(
        string="LLM API Key", config_parameter=LLM_KEY_PARAM, groups="base.group_system"
    )
