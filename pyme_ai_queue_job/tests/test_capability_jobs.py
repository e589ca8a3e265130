# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.pyme_ai_base.tests.capability_case import (
    LOGGER,
    PymeAiCapabilityCase,
)
from odoo.addons.queue_job.tests.common import trap_jobs

from ..models.pyme_ai_capability import APPLY_CHANNEL, JOBS_PARAM, TRAIN_CHANNEL


@tagged("post_install", "-at_install")
class TestCapabilityJobs(PymeAiCapabilityCase):
    """Any capability's crons as jobs (base's throwaway capability: no other
    pyme_ai addon needed)."""

    def test_train_and_apply_as_jobs(self):
        capability = self.capability.with_context(pyme_ai_test_jobs=True)
        companies = self.env["res.company"].search([])
        with trap_jobs() as trap, mute_logger(LOGGER):
            capability._cron_ai_train()
            trap.assert_jobs_count(len(companies))  # one training job per company
            self.assertEqual({j.channel for j in trap.enqueued_jobs}, {TRAIN_CHANNEL})
            trap.perform_enqueued_jobs()
        self.assertEqual(
            self.registry_model.search([("kind", "=", "test_kind")]).company_id,
            companies,
        )
        self.assertTrue(all(self._active(company) for company in companies))
        partners = self.env["res.partner"].create([{"name": f"P{i}"} for i in range(5)])
        capability = capability.with_context(pyme_ai_test_partner_ids=partners.ids)
        with trap_jobs() as trap:
            capability._cron_ai_apply()
            # batches of two per company: at least three jobs for five partners
            self.assertGreaterEqual(len(trap.enqueued_jobs), 3)
            self.assertEqual({j.channel for j in trap.enqueued_jobs}, {APPLY_CHANNEL})
            self.assertFalse(any(partners.mapped("comment")), "nothing runs inline")
            trap.perform_enqueued_jobs()
        self.assertTrue(all(partners.mapped("comment")))

    def test_switched_off_runs_the_cron_inline(self):
        self.env["ir.config_parameter"].sudo().set_param(JOBS_PARAM, "0")
        capability = self.capability.with_context(pyme_ai_test_jobs=True)
        with trap_jobs() as trap, mute_logger(LOGGER):
            capability._cron_ai_train()
            trap.assert_jobs_count(0)
        self.assertTrue(self._active())
