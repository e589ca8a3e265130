# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_settings_show_capability_installed(self):
        settings = self.env["res.config.settings"].create({})
        self.assertTrue(settings.module_pyme_ai_chat)
