# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo.tests import tagged

from odoo.addons.pyme_ai_crm_followup.tests.common import FollowupCase


@tagged("post_install", "-at_install")
class TestPricingFollowup(FollowupCase):
    def _visit(self, lead, url, hours_ago):
        visitor = lead.visitor_ids[:1] or self.env["website.visitor"].create(
            {"access_token": f"{lead.id:032x}"[-32:]}
        )
        lead.visitor_ids |= visitor
        self.env["website.track"].create(
            {
                "visitor_id": visitor.id,
                "url": url,
                "visit_datetime": self.now - timedelta(hours=hours_ago),
            }
        )

    def test_pricing_visit_fires_once_for_salesperson(self):
        rule = self.env.ref("pyme_ai_crm_followup_website.followup_rule_pricing_visit")
        rule.active = True
        priced = self._lead(10)
        self._visit(priced, "/pricing", 1)
        blog = self._lead(10)
        self._visit(blog, "/blog/news", 1)
        old = self._lead(10)
        self._visit(old, "/precios", 24 * 5)  # before the 2-day look-back
        won, foreign = self._won_and_foreign(
            10, lambda lead: self._visit(lead, "/pricing", 1)
        )
        self.Rule._cron_run()
        self.Rule._cron_run()
        self.assertFiredOnce(rule, priced, self.salesman)
        self.assertEqual(
            priced.activity_ids.activity_type_id,
            self.env.ref("mail.mail_activity_data_call"),
        )
        self.assertFalse(
            self.Log.search([("lead_id", "in", (blog | old | won | foreign).ids)])
        )
        # another pricing visit the same day is the same event
        self._visit(priced, "/shop/pricing", 1)
        self.Rule._cron_run()
        self.assertEqual(self.Log.search_count([("rule_id", "=", rule.id)]), 1)

    def test_salesman_reads_only_own_followups(self):
        rule = self.env.ref("pyme_ai_crm_followup_website.followup_rule_pricing_visit")
        rule.active = True
        own = self._lead(10)
        self._visit(own, "/precios", 1)
        other = self._lead(10, user_id=self.other_salesman.id)
        self._visit(other, "/pricing", 1)
        self.Rule._cron_run()
        self.assertEqual(self.Log.search_count([("rule_id", "=", rule.id)]), 2)
        self.assertEqual(self.Log.with_user(self.salesman).search([]).lead_id, own)
