# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _get_translation_frontend_modules_name(cls):
        return super()._get_translation_frontend_modules_name() + ["pyme_ai_chat"]

    def get_frontend_session_info(self):
        """Tell the widget whether to show the chat bubble on this website."""
        session_info = super().get_frontend_session_info()
        website = getattr(request, "website", None)
        if website:
            session_info["pyme_ai_chat"] = {
                "enabled": self.env["pyme.ai.chat.assistant"]._ai_is_enabled(),
            }
        return session_info
