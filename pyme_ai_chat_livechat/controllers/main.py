# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import http
from odoo.http import request

from odoo.addons.mail.models.discuss.mail_guest import add_guest_to_context
from odoo.addons.pyme_ai_chat.controllers.main import (
    PymeAiChatController,
    error_response,
)


class PymeAiChatLivechatController(PymeAiChatController):
    @http.route(
        "/pyme_ai_chat/livechat_transcript", type="json", auth="public", website=True
    )
    @add_guest_to_context
    def chat_livechat_transcript(self, token=None, channel_id=None, **kwargs):
        """Carry the assistant's transcript into the visitor's live chat session."""
        if self._rate_limited():
            return self._too_many()
        conversation = self._conversation(token)
        if not conversation or not isinstance(channel_id, int):
            return error_response(
                "unknown_conversation",
                404,
                request.env._("This conversation has expired; please start again."),
            )
        channel = request.env["discuss.channel"].sudo().browse(channel_id).exists()
        guest = request.env["mail.guest"]._get_guest_from_context()
        partner = (
            request.env.user.partner_id if not request.env.user._is_public() else None
        )
        members = channel.channel_member_ids
        is_member = bool(
            (guest and guest in members.guest_id)
            or (partner and partner in members.partner_id)
        )
        if channel.channel_type != "livechat" or not is_member:
            return error_response(
                "unknown_session",
                404,
                request.env._("This live chat session is not yours."),
            )
        return {"ok": conversation._attach_livechat(channel)}
