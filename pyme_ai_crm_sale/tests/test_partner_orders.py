# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase


@tagged("post_install", "-at_install")
class TestPartnerOrders(LeadScoringCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.product = cls.env["product.product"].create(
            {"name": "AI Sale Service", "type": "service", "list_price": 10}
        )
        Partner = cls.env["res.partner"]
        cls.customer = Partner.create({"name": "AI Buyer Co", "is_company": True})
        cls.contact = Partner.create(
            {"name": "AI Buyer Contact", "parent_id": cls.customer.id}
        )
        cls.other = Partner.create({"name": "AI Other Co", "is_company": True})

    def _order(self, partner, days_ago, state="sale"):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    fields.Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1}
                    )
                ],
            }
        )
        if state in ("sale", "cancel"):
            order.action_confirm()
        if state == "cancel":
            order._action_cancel()
        order.date_order = self.now - timedelta(days=days_ago)
        return order

    def test_orders_counted_per_customer_before_the_moment(self):
        self._order(self.customer, 30)
        self._order(self.contact, 20)  # a contact's order is the customer's
        self._order(self.customer, 2)  # after the closed lead's moment below
        self._order(self.customer, 40, state="draft")  # quotation
        self._order(self.customer, 40, state="cancel")
        self._order(self.other, 10)
        by_contact = self._open_lead(web=True, revenue=100, partner_id=self.contact.id)
        by_company = self._open_lead(web=True, revenue=100, partner_id=self.customer.id)
        closed = self._open_lead(web=True, revenue=100, partner_id=self.customer.id)
        other = self._open_lead(web=False, revenue=100, partner_id=self.other.id)
        nobody = self._open_lead(web=False, revenue=100)
        leads = by_contact | by_company | closed | other | nobody
        as_of = dict.fromkeys(leads.ids, self.now)
        as_of[closed.id] = self.now - timedelta(days=5)
        table = defaultdict(list)
        self.scoring._ai_extra_features(
            table, leads.ids, [as_of[lead_id] for lead_id in leads.ids]
        )
        self.assertEqual(table["partner_orders"], [3, 3, 2, 1, 0])
        # the column is in the feature table of the lead scoring, with its label
        features, ids = self.scoring._ai_lead_table(leads, as_of, [])
        self.assertEqual(
            dict(zip(ids, features["partner_orders"], strict=True)),
            dict(zip(leads.ids, [3, 3, 2, 1, 0], strict=True)),
        )
        self.assertEqual(
            self.scoring._ai_feature_labels()["partner_orders"],
            "Customer's Confirmed Orders",
        )
