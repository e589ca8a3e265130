# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from odoo.addons.pyme_ai_chat.tests.common import ChatHttpCase


@tagged("post_install", "-at_install")
class TestTour(ChatHttpCase):
    def test_visitor_tour_creates_lead(self):
        leads_before = self.env["crm.lead"].sudo().search([])
        self.start_tour("/", "pyme_ai_chat_tour", login=None)
        lead = self.env["crm.lead"].sudo().search([]) - leads_before
        self.assertEqual(len(lead), 1)
        self.assertEqual(lead.phone, "+34612345678")
        self.assertIn("¿a qué hora abren?", lead.description)
        self.assertIn("08:30-14:00", lead.description)
        self.assertIn("¿reparan motores de barcos de pesca?", lead.description)
        # the second contact of the same conversation updated the same lead
        self.assertEqual(lead.email_from, "ana@example.com")
        self.assertIn("20 × sillas", lead.description)
