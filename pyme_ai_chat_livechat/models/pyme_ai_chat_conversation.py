# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import fields, models


class PymeAiChatConversation(models.Model):
    _inherit = "pyme.ai.chat.conversation"

    livechat_channel_id = fields.Many2one(
        "discuss.channel",
        string="Live Chat Session",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )

    def _livechat_available(self):
        """True when the website's live chat channel has an operator online."""
        self.ensure_one()
        channel = self.website_id.sudo().channel_id
        return bool(channel and channel.available_operator_ids)

    def _handoff_mode(self):
        if self._livechat_available():
            return "livechat"
        return super()._handoff_mode()

    def _attach_livechat(self, channel):
        """Post the transcript in the visitor's new live chat session (once)."""
        self.ensure_one()
        if self.livechat_channel_id:
            return False
        odoobot = self.env.ref("base.partner_root")
        channel.sudo().message_post(
            body=Markup("<p><b>%s</b></p>%s")
            % (
                self.env._("Conversation with the website assistant"),
                self._transcript_html(),
            ),
            author_id=odoobot.id,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.write({"livechat_channel_id": channel.id, "state": "livechat"})
        return True
