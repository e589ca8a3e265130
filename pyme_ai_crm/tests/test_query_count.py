# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged

from ..models.crm_lead import CrmLead
from .common import LeadScoringCase


def odoo_write(leads, values):
    """crm.lead.write without pyme_ai_crm's override (Odoo's own code path)."""
    return super(CrmLead, leads).write(values)


@tagged("post_install", "-at_install")
class TestQueryCount(LeadScoringCase):
    """With scoring on (an active model, the scoring job on), creating and writing
    leads costs the queries Odoo's own code issues, not one more."""

    def _queries(self, function):
        self.env.flush_all()
        start = self.env.cr.sql_log_count
        function()
        self.env.flush_all()
        return self.env.cr.sql_log_count - start

    def test_create_and_write_cost_no_extra_query(self):
        self._create_history(25, 25)
        self.assertEqual(self.scoring._ai_train().state, "done")
        self.assertTrue(self.scoring._ai_is_enabled())
        leads = [
            self._open_lead(web=True, revenue=1000 + i)
            | self._open_lead(web=False, revenue=10)
            for i in range(3)
        ]
        values = {
            "stage_id": self.stage_proposal.id,
            "user_id": self.salesman.id,
            "expected_revenue": 4321,
        }
        # warm the caches once, then compare Odoo's own write with ours
        self._queries(lambda: odoo_write(leads[0], dict(values)))
        values["expected_revenue"] = 5432
        odoo_only = self._queries(lambda: odoo_write(leads[1], dict(values)))
        ours = self._queries(lambda: leads[2].write(dict(values)))
        self.assertEqual(ours, odoo_only)
        self.assertTrue(all(leads[2].mapped("ai_needs_scoring")))
        # creating: our columns are filled in Odoo's INSERT, no query of ours
        Lead = self.env["crm.lead"]
        vals = {"name": "Counted", "type": "opportunity", "team_id": self.team.id}
        self._queries(lambda: Lead.create([dict(vals)]))
        created = self._queries(lambda: Lead.create([dict(vals) for __ in range(5)]))
        self.scoring._ai_set_enabled(False)
        self.env.flush_all()
        without = self._queries(lambda: Lead.create([dict(vals) for __ in range(5)]))
        self.assertEqual(created, without)
