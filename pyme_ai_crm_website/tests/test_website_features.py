# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase


@tagged("post_install", "-at_install")
class TestWebsiteFeatures(LeadScoringCase):
    def test_page_views_before_reference_date(self):
        lead = self._open_lead(web=True, revenue=1000)
        other = self._open_lead(web=False, revenue=1000)
        visitor = self.env["website.visitor"].create({"access_token": "f" * 32})
        lead.visitor_ids = visitor
        now = fields.Datetime.now()
        Track = self.env["website.track"]
        Track.create(
            [
                {"visitor_id": visitor.id, "url": "/pricing", "visit_datetime": now},
                {"visitor_id": visitor.id, "url": "/contactus", "visit_datetime": now},
                {"visitor_id": visitor.id, "url": "/precios", "visit_datetime": now},
                {
                    "visitor_id": visitor.id,
                    "url": "/pricing",
                    "visit_datetime": now + timedelta(days=2),
                },
            ]
        )
        # a lead may have several rows, each seen at its own moment
        when = [now + timedelta(hours=1), now, now + timedelta(days=3)]
        table = {"page_views": [], "pricing_views": []}
        self.scoring._ai_extra_features(table, [lead.id, other.id, lead.id], when)
        self.assertEqual(table["page_views"], [3, 0, 4])
        self.assertEqual(table["pricing_views"], [2, 0, 3])

    def test_visits_are_features_with_labels(self):
        lead = self._open_lead(web=True, revenue=1000)
        visitor = self.env["website.visitor"].create({"access_token": "e" * 32})
        lead.visitor_ids = visitor
        now = fields.Datetime.now()
        self.env["website.track"].create(
            {"visitor_id": visitor.id, "url": "/tarifas", "visit_datetime": now}
        )
        table, ids = self.scoring._ai_lead_table(
            lead, {lead.id: now + timedelta(hours=1)}, []
        )
        self.assertEqual(ids, lead.ids)
        self.assertEqual(table["page_views"], [1])
        self.assertEqual(table["pricing_views"], [1])
        labels = self.scoring._ai_feature_labels()
        self.assertEqual(labels["pricing_views"], "Pricing Page Views")
        self.assertEqual(labels["page_views"], "Website Page Views")
