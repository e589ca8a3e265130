# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The capability contract: training and applying engine models from scheduled jobs.

A capability is an AbstractModel inheriting ``pyme.ai.capability`` that sets the
``_ai_*`` class attributes and implements ``_ai_training_data``, ``_ai_fit`` and
(unless ``_ai_apply_mode`` is "none") ``_ai_apply``. Its two crons call
``_cron_ai_train`` and ``_cron_ai_apply``; *AI > Capabilities* switches them and
queues trainings (``action_ai_train_now``).
"""

import logging
import threading
import time
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, LazyTranslate

from pyme_ai.base import PymeAiError
from pyme_ai.training import is_worse

from ..tools import (
    APPLY_MODES,
    DIRECTIONS,
    RUN_DONE,
    RUN_FAILED,
    RUN_NO_DATA,
    RUN_REJECTED,
    RUN_RUNNING,
    AiNotice,
    ai_param,
    company_lang,
    display_value,
    error_message,
    notify,
    translate,
)

_logger = logging.getLogger(__name__)
_lt = LazyTranslate(__name__)

MIN_SAMPLES_PARAM = "pyme_ai_base.min_samples"
MARGIN_PARAM = "pyme_ai_base.regression_margin"
DEFAULT_MIN_SAMPLES = 20
DEFAULT_MARGIN = 0.02

#: messages every capability's runs may store as codes
BASE_MESSAGES = {
    "interrupted": _lt("Interrupted (the server stopped)."),
    "rejected": _lt(
        "Rejected: holdout %(metric)s %(new)s is worse than the active model's "
        "%(old)s by more than the allowed margin %(margin)s; the active model is kept."
    ),
    "failed": _lt("Training failed: %(reason)s"),
    "apply_failed": _lt("Applying the model failed: %(reason)s"),
    "refused": _lt("Refused: %(reason)s"),
    "refused_version": _lt("Refused: made with other versions of the AI libraries."),
    "refused_altered": _lt("Refused: its file is damaged or was altered."),
    "refused_signature": _lt("Refused: signed with another key (or altered)."),
    "not_trained": _lt(
        "The AI has not been trained for this company yet: it trains every night, "
        "or now from AI > Capabilities > Train now."
    ),
}
TRY_IT = _lt(
    "To see it work meanwhile, install the demo company (AI for SMEs: Demo "
    "Company) or run the pyme-ai command on an export of your data."
)

#: methods a capability must override, by apply mode
REQUIRED_METHODS = {
    "batch": ("_ai_training_data", "_ai_fit", "_ai_apply", "_ai_apply_domain"),
    "company": ("_ai_training_data", "_ai_fit", "_ai_apply"),
    "none": ("_ai_training_data", "_ai_fit"),
}


class PymeAiCapability(models.AbstractModel):
    _name = "pyme.ai.capability"
    _description = "AI Capability"

    #: registry kind, e.g. "lead_scoring"; None on the abstract mixin itself
    _ai_kind = None
    #: label of the kind (a ``LazyTranslate`` string)
    _ai_kind_label = None
    #: xml ids of the crons running ``_cron_ai_train`` / ``_cron_ai_apply``
    _ai_train_cron_xmlid = None
    _ai_apply_cron_xmlid = None
    #: "batch": bounded batches of ``_ai_target_model`` records per cron call;
    #: "company": ``_ai_apply`` gets the company, one company per cron call;
    #: "none": nothing to apply
    _ai_apply_mode = "batch"
    #: batch mode: model whose records ``_ai_apply`` writes to, records per call
    _ai_target_model = None
    _ai_apply_batch_size = 5000
    #: reject a new model scoring worse than the active one by the regression margin
    _ai_protect_active = True
    #: {metric key: (lazy label, one of DIRECTIONS)} shown with the holdout metrics
    _ai_metrics = {}
    #: {baseline key of report["baselines"]: lazy label}
    _ai_baseline_labels = {}
    #: {code: lazy text with %(param)s}: what is missing when raising AiNotice
    _ai_notices = {}

    # ------------------------------------------------------- required (override)
    def _ai_training_data(self):
        """Training data of ``self.env.company``; raise PymeAiError/UserError when
        there is too little."""
        raise NotImplementedError

    def _ai_fit(self, data):
        """Train on ``data``; return a ``pyme_ai.training.TrainingResult``."""
        raise NotImplementedError

    def _ai_apply(self, records, engine_model, ai_model):
        """Write the results of ``engine_model``: ``records`` is a batch of
        ``_ai_target_model`` (batch mode) or the company (company mode)."""
        raise NotImplementedError

    # ------------------------------------------------------- optional (override)
    def _ai_apply_domain(self, ai_model):
        """Batch mode: domain of the ``_ai_target_model`` records of
        ``ai_model.company_id`` still to process (it must shrink as they are)."""
        raise NotImplementedError

    def _ai_evaluate(self, engine_model, data, result):
        """Metrics of an older engine model on the holdout of ``result``.

        When implemented, the regression check compares both models on the same
        rows; otherwise (empty dict) it compares with the holdout score stored with
        the active model.
        """
        return {}

    def _ai_verdict_html(self, ai_model):
        """A plain verdict on ``ai_model`` for its form (HTML), or False."""
        return False

    def _ai_after_activate(self, ai_model, previous):
        """Called once a newly trained ``ai_model`` replaced ``previous`` (maybe
        empty), in the training transaction. Default: queue the apply cron."""
        self._ai_trigger_apply()

    # ------------------------------------------------------------------ contract
    def _register_hook(self):
        res = super()._register_hook()
        if self._ai_kind:
            errors = self._ai_contract_errors()
            if errors:
                _logger.error(
                    "pyme_ai: capability %s (%s) does not fit the contract: %s",
                    self._name,
                    self._ai_kind,
                    "; ".join(errors),
                )
        return res

    def _ai_contract_errors(self):
        """What this capability declares but does not implement (empty: it fits)."""
        if not self._ai_kind:
            return []
        errors = []
        if not self._ai_kind_label:
            errors.append("_ai_kind_label is not set")
        mode = self._ai_apply_mode
        if mode not in APPLY_MODES:
            errors.append(f"_ai_apply_mode {mode!r} is not one of {APPLY_MODES}")
        for name in REQUIRED_METHODS.get(mode, REQUIRED_METHODS["none"]):
            if getattr(type(self), name) is getattr(PymeAiCapability, name):
                errors.append(f"{name}() is not implemented")
        for which in ("train", "apply") if mode != "none" else ("train",):
            errors += self._ai_cron_errors(which)
        if mode == "batch":
            if not self._ai_target_model or self._ai_target_model not in self.env:
                errors.append(f"_ai_target_model {self._ai_target_model!r} is unknown")
            size = self._ai_apply_batch_size
            if not isinstance(size, int) or isinstance(size, bool) or size < 1:
                errors.append(f"_ai_apply_batch_size {size!r} is not a positive int")
        if not isinstance(self._ai_protect_active, bool):
            errors.append("_ai_protect_active is not a bool")
        metrics = self._ai_metrics
        if not isinstance(metrics, dict):
            errors.append("_ai_metrics is not a dict")
            metrics = {}
        for key, spec in metrics.items():
            pair = isinstance(spec, tuple | list) and len(spec) == 2
            if not (pair and spec[0] and spec[1] in DIRECTIONS):
                errors.append(
                    f"_ai_metrics[{key!r}] is not (label, one of {DIRECTIONS})"
                )
        return errors

    def _ai_cron_errors(self, which):
        attribute = f"_ai_{which}_cron_xmlid"
        xmlid = getattr(self, attribute)
        if not xmlid:
            return [f"{attribute} is not set"]
        cron = self.env.ref(xmlid, raise_if_not_found=False)
        if not cron or cron._name != "ir.cron":
            return [f"{attribute} {xmlid!r} is not a cron"]
        if cron.sudo().model_id.model != self._name:
            return [f"{attribute} {xmlid!r} runs on {cron.sudo().model_id.model}"]
        return []

    # ------------------------------------------------------------------ helpers
    @api.model
    def _ai_capabilities(self):
        names = self.env.registry.descendants(["pyme.ai.capability"], "_inherit")
        return [self.env[name] for name in names]

    @api.model
    def _ai_for_kind(self, kind, default=None):
        return next((m for m in self._ai_capabilities() if m._ai_kind == kind), default)

    def _ai_cron(self, which):
        xmlid = getattr(self, f"_ai_{which}_cron_xmlid")
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

    def _ai_param(self, key, default, cast=float, low=None, high=None):
        """Typed, clamped ``ir.config_parameter`` (see ``tools.ai_param``)."""
        return ai_param(self.env, key, default, cast=cast, low=low, high=high)

    def _ai_min_samples(self):
        return self._ai_param(MIN_SAMPLES_PARAM, DEFAULT_MIN_SAMPLES, int, low=1)

    def _ai_regression_margin(self):
        return self._ai_param(MARGIN_PARAM, DEFAULT_MARGIN, float, low=0.0)

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

    def _ai_metric_info(self):
        """{metric key: (label in the user's language, direction)}."""
        return {
            key: (translate(self.env, label), direction)
            for key, (label, direction) in self._ai_metrics.items()
        }

    def _ai_baseline_label(self, key):
        label = self._ai_baseline_labels.get(key)
        return translate(self.env, label) if label else key

    @api.model
    def _ai_message(self, code, params=None):
        """The stored message ``code`` with ``params`` in the reader's language."""
        template = self._ai_notices.get(code) or BASE_MESSAGES.get(code)
        if template is None:
            return code
        labels = {key: label for key, (label, __) in self._ai_metric_info().items()}
        values = {
            key: labels.get(value, value)
            if key == "metric"
            else display_value(self.env, value)
            for key, value in (params or {}).items()
        }
        return translate(self.env, template) % values

    @api.model
    def _ai_notice(self, company=None, hint=True):
        """Why this capability shows nothing for ``company`` (False once it has an
        active model), in the reader's language: the stored notice of its last
        training, or that it has not trained yet; with how to try it (``hint``)."""
        company = company or self.env.company
        if self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind, company):
            return False
        domain = [("kind", "=", self._ai_kind), ("operation", "=", "train")]
        domain += [("company_id", "=", company.id), ("state", "!=", RUN_RUNNING)]
        run = self.env["pyme.ai.run"].sudo().search(domain, limit=1)
        no_data = run.state == RUN_NO_DATA
        text = run.message if no_data else self._ai_message("not_trained")
        return f"{text} {translate(self.env, TRY_IT)}" if hint else text

    def _ai_company_env(self, company):
        """This capability for ``company``, in the company's language: what a job
        writes as text (activities, chatter) reads in the language of its users."""
        return self.with_company(company).with_context(lang=company_lang(company))

    # ------------------------------------------------------------------ buttons
    @api.model
    def action_ai_train_now(self):
        """Queue a training run (never trains inside the request)."""
        if not self.env.user.has_group("pyme_ai_base.pyme_ai_base_group_manager"):
            raise UserError(self.env._("Only AI administrators can train models."))
        self._ai_trigger_training()
        return notify(
            self.env,
            self.env._(
                "Training has been queued; the new model will appear in AI > Models."
            ),
        )

    # -------------------------------------------------------- rounds and runs
    def _ai_since_domain(self):
        """Runs of the current cron round: the runner passes each call of a round
        the same ``lastcall`` (when the previous round ended); in the cron's first
        round, every run since the cron exists; outside the runner, this
        transaction's runs."""
        ctx = self.env.context
        if ctx.get("lastcall"):
            return [("start_date", ">", fields.Datetime.to_datetime(ctx["lastcall"]))]
        cron = self.env["ir.cron"].sudo().browse(ctx.get("cron_id")).exists()
        if "lastcall" in ctx and cron:
            return [("start_date", ">=", cron.create_date.replace(microsecond=0))]
        return [("start_date", ">=", self.env.cr.now().replace(microsecond=0))]

    def _ai_due_companies(self, operation, companies):
        """``companies`` without a run of ``operation`` in this round, the least
        recently run first."""
        runs = self.env["pyme.ai.run"].sudo()
        base = [("kind", "=", self._ai_kind), ("operation", "=", operation)]
        done = runs.search(base + self._ai_since_domain()).company_id
        due = companies - done
        domain = base + [("company_id", "in", due.ids)]
        last = dict(runs._read_group(domain, ["company_id"], ["start_date:max"]))
        return due.sorted(lambda c: (last.get(c) or datetime.min, c.id))

    def _ai_new_run(self, operation, trigger="cron", ai_model=None):
        values = {
            "kind": self._ai_kind,
            "operation": operation,
            "trigger": trigger,
            "company_id": (ai_model.company_id if ai_model else self.env.company).id,
        }
        if ai_model:
            values["model_id"] = ai_model.id
        return self.env["pyme.ai.run"].sudo().create(values)

    def _ai_commit(self):
        """Commit now, so the run record survives a worker killed mid-training."""
        if getattr(threading.current_thread(), "testing", False):
            return  # tests run in one transaction rolled back at the end
        # pylint: disable=invalid-commit
        # reason: the run must be visible (and its lock detectable) if the worker dies
        self.env.cr.commit()

    def _ai_close_stale_runs(self, exclude=()):
        """Close the running runs of this kind whose row lock is free: the worker
        holding it died (a live one keeps its run locked until it finishes)."""
        runs = self.env["pyme.ai.run"].sudo()
        runs.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT id FROM pyme_ai_run WHERE kind = %s AND state = %s "
                "AND NOT id = ANY(%s::int[]) FOR UPDATE SKIP LOCKED",
                self._ai_kind,
                RUN_RUNNING,
                list(exclude),
            )
        )
        stale = runs.browse([row[0] for row in self.env.cr.fetchall()])
        if stale:
            _logger.warning(
                "pyme_ai: closing %s interrupted %s run(s)", len(stale), self._ai_kind
            )
            stale._finish(RUN_FAILED, code="interrupted")
        return stale

    # ------------------------------------------------------------------ training
    @api.model
    def _cron_ai_train(self):
        """Train the next company due in this round; the runner calls again while
        ``_notify_progress`` says companies remain."""
        if not self._ai_kind:
            return
        self._ai_close_stale_runs()
        due = self._ai_due_companies("train", self._ai_companies())
        if not due:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        capability = self._ai_company_env(due[0])
        run = capability._ai_new_run("train")
        self._ai_commit()
        capability._ai_train(run=run)
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(due) - 1)

    def _ai_train(self, trigger="cron", run=None):
        """Train for ``self.env.company``; return the run.

        The run row stays locked by this transaction while it works. The active
        model is kept when training raises or scores worse than it by more than
        the configured margin; either way the run records why.
        """
        company = self.env.company
        # no "created" line in the writer's language: the events say what happened
        registry = self.env["pyme.ai.model"].sudo().with_context(mail_create_nolog=True)
        run = run or self._ai_new_run("train", trigger)
        run._lock()
        started = time.monotonic()
        result = None
        try:
            with self.env.cr.savepoint():
                data = self._ai_training_data()
                result = self._ai_fit(data)
                reason = self._ai_regression_reason(result, data)
                model = registry._store_result(
                    self._ai_kind,
                    company,
                    result,
                    time.monotonic() - started,
                    state="failed" if reason else "archived",
                )
                if reason:
                    model.write({"failure_code": "rejected", "failure_params": reason})
                    run._finish(
                        RUN_REJECTED, False, result.n_rows, model, "rejected", reason
                    )
                    return run
                previous = model._activate()
                self._ai_after_activate(model, previous)
                run._finish(RUN_DONE, False, result.n_rows, model)
        except AiNotice as exc:
            _logger.info(
                "pyme_ai: %s not trained for company %s: %s",
                self._ai_kind,
                company.id,
                exc.code,
            )
            # one notice per company and kind, however many rounds find no data
            self.env["pyme.ai.run"].sudo().search(
                [
                    ("kind", "=", self._ai_kind),
                    ("operation", "=", "train"),
                    ("company_id", "=", company.id),
                    ("state", "=", RUN_NO_DATA),
                ]
            ).unlink()
            run._finish(RUN_NO_DATA, code=exc.code, params=exc.params)
        except Exception as exc:  # noqa: BLE001 - any training error keeps the active model
            message = error_message(exc)
            _logger.warning(
                "pyme_ai: %s training failed for company %s: %s",
                self._ai_kind,
                company.id,
                message,
                exc_info=not isinstance(exc, PymeAiError | UserError),
            )
            model = registry.create(
                {
                    "kind": self._ai_kind,
                    "company_id": company.id,
                    "state": "failed",
                    "train_date": fields.Datetime.now(),
                    "train_duration": time.monotonic() - started,
                    "failure_code": "failed",
                    "failure_params": {"reason": message},
                    "metrics": result.metrics if result else False,
                }
            )
            run._finish(RUN_FAILED, message, result.n_rows if result else 0, model)
        return run

    def _ai_regression_reason(self, result, data):
        """Parameters of the "rejected" message when ``result`` scores worse than
        the active model by more than the margin; False otherwise."""
        if not self._ai_protect_active:
            return False
        active = self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind)
        if not active or result.score is None:
            return False
        old_value = active.primary_score
        engine_model = active._load_engine_model(retrain=False)
        if engine_model is None:
            return False  # the active artifact was refused: nothing left to protect
        old_metrics = self._ai_evaluate(engine_model, data, result)
        if old_metrics and old_metrics.get(result.primary_metric) is not None:
            old_value = old_metrics[result.primary_metric]
        margin = self._ai_regression_margin()
        if is_worse(result.score, old_value, margin, result.higher_is_better):
            return {
                "metric": result.primary_metric,
                "new": round(result.score, 4),
                "old": round(old_value, 4),
                "margin": round(margin, 4),
            }
        return False

    # ------------------------------------------------------------------ applying
    @api.model
    def _cron_ai_apply(self):
        """Batch mode: one bounded batch per call; company mode: one company per
        call. Each company works in a savepoint: a model that cannot be loaded or
        applied is refused (and retrained) while the other companies go on."""
        if not self._ai_kind or self._ai_apply_mode not in ("batch", "company"):
            return
        if self._ai_apply_mode == "company":
            self._ai_apply_next_company()
            return
        done = remaining = 0
        for company in self._ai_companies():
            ai_model = (
                self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind, company)
            )
            if not ai_model:
                continue
            capability = self._ai_company_env(company)
            try:
                with self.env.cr.savepoint():
                    count, left = capability._ai_apply_pending(ai_model, not done)
            except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
                raise  # not the model's fault: the runner retries later
            except Exception as exc:  # noqa: BLE001 - refuse this company's model only
                ai_model._refuse(exc)
                continue
            done += count
            remaining += left
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    def _ai_apply_pending(self, ai_model, apply=True):
        """Apply one batch (when ``apply``); return (records done, records left)."""
        engine_model = ai_model._read_engine_model()
        target = self.env[self._ai_target_model]
        domain = self._ai_apply_domain(ai_model)
        count = 0
        if apply:
            records = target.search(domain, limit=self._ai_apply_batch_size, order="id")
            if records:
                self._ai_apply_batch(records, engine_model, ai_model)
                count = len(records)
        return count, target.search_count(domain)

    def _ai_apply_next_company(self):
        registry = self.env["pyme.ai.model"].sudo()
        models_by_company = {}
        for company in self._ai_companies():
            ai_model = registry._get_active(self._ai_kind, company)
            if ai_model:
                models_by_company[company] = ai_model
        companies = self.env["res.company"].sudo().union(*models_by_company)
        due = self._ai_due_companies("apply", companies)
        if not due:
            self.env["ir.cron"]._notify_progress(done=0, remaining=0)
            return
        company = due[0]
        ai_model = models_by_company[company]
        try:
            with self.env.cr.savepoint():
                engine_model = ai_model._read_engine_model()
                self._ai_company_env(company)._ai_apply_batch(
                    company, engine_model, ai_model
                )
        except PG_CONCURRENCY_EXCEPTIONS_TO_RETRY:
            raise
        except Exception as exc:  # noqa: BLE001 - refuse this company's model only
            ai_model._refuse(exc)
        self.env["ir.cron"]._notify_progress(done=1, remaining=len(due) - 1)

    def _ai_apply_batch(self, records, engine_model, ai_model, trigger="cron", **kw):
        run = self._ai_new_run("apply", trigger, ai_model)
        self._ai_apply(records, engine_model, ai_model, **kw)
        run._finish(RUN_DONE, records_count=len(records))
        return run
