# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class WhatsappCase(TransactionCase):
    """Spain as the company's country, Ana of Pyme as the user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.es = cls.env.ref("base.es")
        cls.mx = cls.env.ref("base.mx")
        cls.co = cls.env.ref("base.co")
        cls.env.company.country_id = cls.es
        cls.env.user.name = "Ana"
        cls.env.company.name = "Pyme"

    def _url(self, record):
        action = record.action_ai_whatsapp()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "new")
        return action["url"]
