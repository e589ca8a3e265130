# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import unittest
from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.modules.registry import Registry
from odoo.tests import tagged
from odoo.tests.common import get_db_name
from odoo.tools import mute_logger

from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.pyme_ai_capability import APPLY_CHANNEL, TRAIN_CHANNEL

try:
    from odoo.addons.pyme_ai_crm.tests.common import LeadScoringCase
except ImportError:  # pyme_ai_crm not installed: nothing to compare
    LeadScoringCase = None

if LeadScoringCase:

    @tagged("post_install", "-at_install")
    class TestJobs(LeadScoringCase):
        @classmethod
        def setUpClass(cls):
            if "pyme.ai.lead.scoring" not in Registry(get_db_name()):
                raise unittest.SkipTest("pyme_ai_crm is not installed")
            super().setUpClass()
            cls.env = cls.env(context=dict(cls.env.context, pyme_ai_test_jobs=True))
            cls.scoring = cls.env["pyme.ai.lead.scoring"]

        def _scores(self, leads):
            leads.invalidate_recordset()
            return {
                lead.id: (lead.ai_score, lead.ai_tier, lead.ai_reasons)
                for lead in leads
            }

        def test_jobs_give_the_cron_results(self):
            self._create_history(40, 40)
            # training: one job per company, on the training channel
            with trap_jobs() as trap, mute_logger("odoo.addons.pyme_ai_base"):
                self.scoring._cron_ai_train()
                trap.assert_jobs_count(len(self.env["res.company"].search([])))
                self.assertEqual(
                    {job.channel for job in trap.enqueued_jobs}, {TRAIN_CHANNEL}
                )
                trap.perform_enqueued_jobs()
            ai_model = self.env["pyme.ai.model"]._get_active("lead_scoring")
            self.assertTrue(ai_model)
            leads = self.env["crm.lead"]
            for i in range(7):
                leads |= self._open_lead(web=bool(i % 2), revenue=500 + 1000 * i)
            # full rescoring through jobs, batches of 3 leads
            scoring_cls = self.registry["pyme.ai.lead.scoring"]
            self.addCleanup(setattr, scoring_cls, "_ai_apply_batch_size", 10000)
            scoring_cls._ai_apply_batch_size = 3
            ai_model.lead_rescore_after_id = 0
            moment = fields.Datetime.now() + timedelta(hours=1)  # same ages both ways
            with trap_jobs() as trap, freeze_time(moment):
                self.scoring._cron_ai_apply()
                self.assertGreaterEqual(len(trap.enqueued_jobs), 3)
                self.assertEqual(
                    {job.channel for job in trap.enqueued_jobs}, {APPLY_CHANNEL}
                )
                trap.perform_enqueued_jobs()
            by_jobs = self._scores(leads)
            self.assertTrue(all(score for score, __, __ in by_jobs.values()))
            # the same through the cron itself, from cleared scores
            self.env.flush_all()
            self.env.cr.execute(
                "UPDATE crm_lead SET ai_score = NULL, ai_tier = NULL "
                "WHERE id = ANY(%s)",
                (leads.ids,),
            )
            ai_model.lead_rescore_after_id = 0
            with freeze_time(moment):  # one batch per call, as the runner calls
                for __ in range(len(leads)):
                    self.scoring.with_context(pyme_ai_no_jobs=True)._cron_ai_apply()
            self.assertEqual(self._scores(leads), by_jobs)
            self.assertEqual(self.scoring._ai_count_pending(ai_model), 0)

        def test_jobs_can_be_switched_off(self):
            self.env["ir.config_parameter"].sudo().set_param(
                "pyme_ai_queue_job.enabled", "0"
            )
            with trap_jobs() as trap:
                self.scoring._cron_ai_apply()
                trap.assert_jobs_count(0)
