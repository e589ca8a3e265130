# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from unittest.mock import patch

from odoo.tests import new_test_user, tagged

from odoo.addons.pyme_ai_chat.tests.common import ChatHttpCase


@tagged("post_install", "-at_install")
class TestLivechat(ChatHttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.operator = new_test_user(
            cls.env,
            login="chat_operator",
            groups="base.group_user,im_livechat.im_livechat_group_user",
        )
        cls.livechat = cls.env["im_livechat.channel"].create(
            {"name": "AI chat support", "user_ids": [(6, 0, cls.operator.ids)]}
        )
        cls.website.channel_id = cls.livechat

    def _start(self):
        return self._send("quiero hablar con una persona")["token"]

    def _online(self, online):
        users = self.operator if online else self.env["res.users"]
        return patch.object(
            type(self.env["im_livechat.channel"]),
            "_compute_available_operator_ids",
            lambda channels: [
                channel.__setattr__("available_operator_ids", users)
                for channel in channels
            ],
        )

    def test_without_operator_asks_for_contact(self):
        token = self._start()
        with self._online(False):
            self.livechat.invalidate_recordset(["available_operator_ids"])
            result = self._route("handoff", token=token)
        self.assertEqual(result["mode"], "contact")

    def test_operator_online_opens_livechat_with_transcript(self):
        token = self._start()
        with self._online(True):
            self.livechat.invalidate_recordset(["available_operator_ids"])
            result = self._route("handoff", token=token)
            self.assertEqual(result["mode"], "livechat")
            data = self.make_jsonrpc_request(
                "/im_livechat/get_session",
                {
                    "channel_id": self.livechat.id,
                    "anonymous_name": "Visitor",
                    "persisted": True,
                },
            )
        channel_id = data["discuss.channel"][0]["id"]
        result = self._route("livechat_transcript", token=token, channel_id=channel_id)
        self.assertTrue(result["ok"])
        channel = self.env["discuss.channel"].browse(channel_id)
        bodies = "".join(channel.message_ids.mapped("body"))
        self.assertIn("quiero hablar con una persona", bodies)
        conversation = self._conversation(token)
        self.assertEqual(conversation.livechat_channel_id, channel)
        self.assertEqual(conversation.state, "livechat")

    def test_foreign_session_is_refused(self):
        token = self._start()
        other = self.env["discuss.channel"].create(
            {
                "name": "someone else",
                "channel_type": "livechat",
                "livechat_operator_id": self.operator.partner_id.id,
            }
        )
        result = self._route("livechat_transcript", token=token, channel_id=other.id)
        self.assertEqual(result["error"]["status"], 404)
        self.assertFalse(
            other.message_ids.filtered(lambda m: "persona" in (m.body or ""))
        )
