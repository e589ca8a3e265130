# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The capability crons as queue jobs: one training job per company, one applying
job per company and batch, on the channels ``root.pyme_ai.train`` and
``root.pyme_ai.apply`` (their capacity set in the job runner's configuration)."""

import threading

from odoo import api, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY

from odoo.addons.queue_job.job import identity_exact

JOBS_PARAM = "pyme_ai_queue_job.enabled"
TRAIN_CHANNEL = "root.pyme_ai.train"
APPLY_CHANNEL = "root.pyme_ai.apply"


class PymeAiCapability(models.AbstractModel):
    _inherit = "pyme.ai.capability"

    def _ai_use_jobs(self):
        """Crons queue jobs unless switched off (the parameter set to 0), already
        running inside a job, or in another addon's tests (which run the crons
        inline; ours ask for jobs with ``pyme_ai_test_jobs``)."""
        context = self.env.context
        if context.get("job_uuid") or context.get("pyme_ai_no_jobs"):
            return False
        testing = getattr(threading.current_thread(), "testing", False)
        if testing and not context.get("pyme_ai_test_jobs"):
            return False
        return bool(self._ai_param(JOBS_PARAM, 1, int, 0, 1))

    # ------------------------------------------------------------------ training
    @api.model
    def _cron_ai_train(self):
        if not self._ai_kind or not self._ai_use_jobs():
            return super()._cron_ai_train()
        self._ai_close_stale_runs()
        for company in self._ai_due_companies("train", self._ai_companies()):
            self.with_company(company).with_delay(
                channel=TRAIN_CHANNEL,
                identity_key=identity_exact,
                description=f"pyme_ai: train {self._ai_kind} ({company.name})",
            )._ai_job_train(company.id)
        self.env["ir.cron"]._notify_progress(done=0, remaining=0)

    def _ai_job_train(self, company_id):
        capability = self.with_company(company_id)
        run = capability._ai_new_run("train")
        self._ai_commit()
        return capability._ai_train(run=run).state

    # ------------------------------------------------------------------ applying
    @api.model
    def _cron_ai_apply(self):
        if (
            not self._ai_kind
            or self._ai_apply_mode not in ("batch", "company")
            or not self._ai_use_jobs()
        ):
            return super()._cron_ai_apply()
        registry = self.env["pyme.ai.model"].sudo()
        queued = 0
        for company in self._ai_companies():
            ai_model = registry._get_active(self._ai_kind, company)
            if not ai_model:
                continue
            capability = self.with_company(company)
            if self._ai_apply_mode == "company":
                batches = [[company.id]]
            else:
                batches = capability._ai_job_batches(ai_model)
            for ids in batches:
                capability.with_delay(
                    channel=APPLY_CHANNEL,
                    identity_key=identity_exact,
                    description=f"pyme_ai: apply {self._ai_kind} ({company.name}, "
                    f"{len(ids)})",
                )._ai_job_apply(ai_model.id, ids)
                queued += 1
        self.env["ir.cron"]._notify_progress(done=queued, remaining=0)

    def _ai_job_batches(self, ai_model):
        """Id batches of the records to apply ``ai_model`` to; a capability with its
        own bookkeeping provides ``_ai_pending_batches``."""
        if hasattr(self, "_ai_pending_batches"):
            return self._ai_pending_batches(ai_model)
        target = self.env[self._ai_target_model]
        ids = target.search(self._ai_apply_domain(ai_model), order="id").ids
        size = self._ai_apply_batch_size
        return [ids[i : i + size] for i in range(0, len(ids), size)]

    def _ai_job_apply(self, model_id, ids):
        """One batch (or one company) through the cron's own applying code."""
        ai_model = self.env["pyme.ai.model"].sudo().browse(model_id).exists()
        if not ai_model or ai_model.state != "active":
            return "skipped: the model is no longer active"
        capability = self.with_company(ai_model.company_id)
        if self._ai_apply_mode == "company":
            records = ai_model.company_id
        else:
            records = self.env[self._ai_target_model].browse(ids).exists()
        try:
            with self.env.cr.savepoint():
                engine_model = ai_model._read_engine_model()
                capability._ai_apply_batch(records, engine_model, ai_model)
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise  # queue_job retries the job
        except Exception as exc:  # noqa: BLE001 - refuse this company's model only
            ai_model._refuse(exc)
            return f"refused: {exc}"
        return f"applied to {len(records)} record(s)"
