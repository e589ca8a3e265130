# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Training and applying engine models from scheduled jobs.

A capability addon defines an AbstractModel inheriting ``pyme.ai.capability``, sets
the ``_ai_*`` class attributes and implements the hooks marked "override". Its two
crons call ``_cron_ai_train`` and ``_cron_ai_apply``; buttons call
``action_ai_train_now``.
"""

import logging
import time
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from pyme_ai.training import is_worse

_logger = logging.getLogger(__name__)

MIN_SAMPLES_PARAM = "pyme_ai_base.min_samples"
MARGIN_PARAM = "pyme_ai_base.regression_margin"
DEFAULT_MIN_SAMPLES = 20
DEFAULT_MARGIN = 0.02
# A run still "running" after this long was interrupted (worker killed or restarted).
STALE_RUN_AFTER = timedelta(hours=6)


class PymeAiCapability(models.AbstractModel):
    _name = "pyme.ai.capability"
    _description = "AI Capability"

    #: registry kind, e.g. "lead_scoring"; None on the abstract mixin itself
    _ai_kind = None
    #: label of the kind (an ``LazyTranslate`` string)
    _ai_kind_label = None
    #: xml ids of the crons running ``_cron_ai_train`` / ``_cron_ai_apply``
    _ai_train_cron_xmlid = None
    _ai_apply_cron_xmlid = None
    #: model whose records ``_ai_apply`` writes to, and records per cron call
    _ai_target_model = None
    _ai_apply_batch_size = 5000

    # ---------------------------------------------------------- hooks (override)
    def _ai_training_data(self):
        """Training data of ``self.env.company`` (UserError when too little)."""
        raise NotImplementedError

    def _ai_fit(self, data):
        """Train on ``data``; return a ``pyme_ai.training.TrainingResult``."""
        raise NotImplementedError

    def _ai_evaluate(self, engine_model, data, result):
        """Metrics of an older engine model on the holdout of ``result``.

        When implemented, the regression check compares both models on the same
        rows; otherwise (empty dict) it compares with the holdout score stored with
        the active model.
        """
        return {}

    def _ai_apply_domain(self, ai_model):
        """Domain of ``_ai_target_model`` records still to process with ``ai_model``."""
        raise NotImplementedError

    def _ai_apply(self, records, engine_model, ai_model):
        """Compute and write the results of ``engine_model`` on ``records``."""
        raise NotImplementedError

    # ------------------------------------------------------------------ helpers
    @api.model
    def _ai_for_kind(self, kind):
        for model_name in self.env.registry.descendants([self._name], "_inherit"):
            if self.env[model_name]._ai_kind == kind:
                return self.env[model_name]
        return None

    def _ai_cron(self, which):
        xmlid = (
            self._ai_train_cron_xmlid if which == "train" else self._ai_apply_cron_xmlid
        )
        return self.env.ref(xmlid, raise_if_not_found=False) if xmlid else None

    def _ai_is_enabled(self):
        """A capability is switched on while its training cron is active."""
        cron = self._ai_cron("train")
        return bool(cron and cron.sudo().active)

    def _ai_set_enabled(self, enabled):
        for which in ("train", "apply"):
            cron = self._ai_cron(which)
            if cron and cron.sudo().active != bool(enabled):
                cron.sudo().active = bool(enabled)

    def _ai_min_samples(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MIN_SAMPLES_PARAM)
        try:
            return max(int(value), 1) if value else DEFAULT_MIN_SAMPLES
        except ValueError:
            return DEFAULT_MIN_SAMPLES

    def _ai_regression_margin(self):
        value = self.env["ir.config_parameter"].sudo().get_param(MARGIN_PARAM)
        try:
            return max(float(value), 0.0) if value else DEFAULT_MARGIN
        except ValueError:
            return DEFAULT_MARGIN

    def _ai_companies(self):
        return self.env["res.company"].sudo().search([])

    def _ai_trigger_training(self):
        cron = self._ai_cron("train")
        if cron:
            cron.sudo()._trigger()

    def _ai_trigger_apply(self):
        cron = self._ai_cron("apply")
        if cron:
            cron.sudo()._trigger()

    # ------------------------------------------------------------------ buttons
    @api.model
    def action_ai_train_now(self):
        """Queue a training run (never trains inside the request)."""
        if not self.env.user.has_group("pyme_ai_base.pyme_ai_base_group_manager"):
            raise UserError(self.env._("Only AI administrators can train models."))
        self._ai_trigger_training()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "Training has been queued; the new model will appear in "
                    "AI > Models."
                ),
                "sticky": False,
            },
        }

    # ------------------------------------------------------------------ training
    def _cron_ai_train(self):
        if not self._ai_kind:
            return
        self._ai_close_stale_runs()
        companies = self._ai_companies()
        for company in companies:
            self.with_company(company)._ai_train()
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)

    def _ai_close_stale_runs(self):
        stale = (
            self.env["pyme.ai.run"]
            .sudo()
            .search(
                [
                    ("kind", "=", self._ai_kind),
                    ("state", "=", "running"),
                    ("start_date", "<", fields.Datetime.now() - STALE_RUN_AFTER),
                ]
            )
        )
        stale._finish("failed", self.env._("Interrupted (the server stopped)."))

    def _ai_train(self, trigger="cron"):
        """Train for ``self.env.company``; return the run.

        The active model is kept when training raises or scores worse than it by
        more than the configured margin; either way the run records why.
        """
        company = self.env.company
        registry = self.env["pyme.ai.model"].sudo()
        run = (
            self.env["pyme.ai.run"]
            .sudo()
            .create(
                {
                    "kind": self._ai_kind,
                    "operation": "train",
                    "trigger": trigger,
                    "company_id": company.id,
                }
            )
        )
        started = time.monotonic()
        result = None
        try:
            with self.env.cr.savepoint():
                data = self._ai_training_data()
                result = self._ai_fit(data)
                reason = self._ai_regression_reason(result, data)
                duration = time.monotonic() - started
                model = registry._store_result(
                    self._ai_kind,
                    company,
                    result,
                    duration,
                    state="failed" if reason else "archived",
                )
                if reason:
                    model.failure_message = reason
                    run._finish("rejected", reason, result.n_rows, model)
                    return run
                model._activate()
                run._finish("done", False, result.n_rows, model)
        except Exception as exc:  # noqa: BLE001 - any training error keeps the active model
            message = str(exc) if isinstance(exc, UserError) else repr(exc)
            _logger.warning(
                "pyme_ai: %s training failed for company %s: %s",
                self._ai_kind,
                company.id,
                message,
            )
            model = registry.create(
                {
                    "name": self.env._("Failed training"),
                    "kind": self._ai_kind,
                    "company_id": company.id,
                    "state": "failed",
                    "train_date": fields.Datetime.now(),
                    "train_duration": time.monotonic() - started,
                    "failure_message": message,
                    "metrics": result.metrics if result else False,
                }
            )
            run._finish("failed", message, result.n_rows if result else 0, model)
            return run
        self._ai_trigger_apply()
        return run

    def _ai_regression_reason(self, result, data):
        active = self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind)
        if not active or result.score is None:
            return False
        old_value = active.primary_score
        engine_model = active._load_engine_model()
        if engine_model is None:
            return False  # the active artifact was refused: nothing left to protect
        old_metrics = self._ai_evaluate(engine_model, data, result)
        if old_metrics and old_metrics.get(result.primary_metric) is not None:
            old_value = old_metrics[result.primary_metric]
        margin = self._ai_regression_margin()
        if is_worse(result.score, old_value, margin, result.higher_is_better):
            return self.env._(
                "Rejected: holdout %(metric)s %(new).4f is worse than the active "
                "model's %(old).4f by more than the allowed margin %(margin).4f; "
                "the active model is kept.",
                metric=result.primary_metric,
                new=result.score,
                old=old_value,
                margin=margin,
            )
        return False

    # ------------------------------------------------------------------ applying
    def _cron_ai_apply(self):
        """One bounded batch per call; the runner calls again while work remains."""
        if not self._ai_kind:
            return
        pending = []
        for company in self._ai_companies():
            capability = self.with_company(company)
            ai_model = (
                self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind, company)
            )
            if not ai_model:
                continue
            engine_model = ai_model._load_engine_model()
            if engine_model is None:
                continue
            pending.append((capability, ai_model, engine_model))
        done = 0
        for capability, ai_model, engine_model in pending:
            target = self.env[self._ai_target_model].with_company(ai_model.company_id)
            records = target.search(
                capability._ai_apply_domain(ai_model),
                limit=self._ai_apply_batch_size,
                order="id",
            )
            if records:
                capability._ai_apply_batch(records, engine_model, ai_model)
                done = len(records)
                break
        remaining = sum(
            self.env[self._ai_target_model]
            .with_company(ai_model.company_id)
            .search_count(capability._ai_apply_domain(ai_model))
            for capability, ai_model, __ in pending
        )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _ai_apply_batch(self, records, engine_model, ai_model, trigger="cron"):
        run = (
            self.env["pyme.ai.run"]
            .sudo()
            .create(
                {
                    "kind": self._ai_kind,
                    "operation": "apply",
                    "trigger": trigger,
                    "company_id": ai_model.company_id.id,
                    "model_id": ai_model.id,
                }
            )
        )
        self._ai_apply(records, engine_model, ai_model)
        run._finish("done", records_count=len(records))
        return run
