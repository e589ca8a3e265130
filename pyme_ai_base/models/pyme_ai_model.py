# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import hashlib
import logging
from datetime import timedelta

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL
from odoo.tools.misc import format_datetime, formatLang

from pyme_ai import persistence
from pyme_ai.base import PymeAiError

from ..tools import (
    MODEL_ACTIVE,
    MODEL_ARCHIVED,
    MODEL_FAILED,
    ai_param,
    company_field,
    error_message,
    log_event,
    notify,
)

_logger = logging.getLogger(__name__)

# Verified engine models per worker, keyed by (database, model id, attachment checksum).
_ENGINE_CACHE = {}
_ENGINE_CACHE_SIZE = 16

# Retention (Settings > AI) of old non-active models and their files
MODEL_RETENTION_PARAM = "pyme_ai_base.model_retention_days"
MODEL_KEEP_PARAM = "pyme_ai_base.model_keep_count"
DEFAULT_MODEL_RETENTION_DAYS = 90
DEFAULT_MODEL_KEEP = 3
# deleted per cron call (the runner calls again while some remain)
RETENTION_MODEL_BATCH = 100
RETENTION_RUN_BATCH = 5000


class ArtifactError(UserError):
    """The stored artifact of a model cannot be used (the message says why)."""


class PymeAiModel(models.Model):
    _name = "pyme.ai.model"
    _description = "AI Model"
    _inherit = ["mail.thread"]
    _order = "train_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(
        tracking=True, help="Optional; by default the kind and the training date."
    )
    kind = fields.Selection(
        selection="_selection_kind", required=True, index=True, readonly=True
    )
    company_id = company_field()
    state = fields.Selection(
        [
            (MODEL_ACTIVE, "Active"),
            (MODEL_ARCHIVED, "Archived"),
            (MODEL_FAILED, "Failed"),
        ],
        required=True,
        default=MODEL_ARCHIVED,
        index=True,
        readonly=True,
    )
    train_date = fields.Datetime(string="Trained On", readonly=True)
    train_rows = fields.Integer(string="Training Rows", readonly=True)
    train_duration = fields.Float(
        string="Training Duration (s)", digits=(16, 2), readonly=True
    )
    primary_metric = fields.Char(string="Primary Metric Key", readonly=True)
    higher_is_better = fields.Boolean(default=True, readonly=True)
    primary_score = fields.Float(
        string="Holdout Score", digits=(16, 4), readonly=True, aggregator=False
    )
    metrics = fields.Json(readonly=True)
    report = fields.Json(readonly=True)
    metrics_html = fields.Html(
        string="Holdout Metrics", compute="_compute_metrics_html", sanitize=False
    )
    library_versions = fields.Json(readonly=True)
    library_versions_text = fields.Char(
        string="Built With", compute="_compute_library_versions_text"
    )
    attachment_id = fields.Many2one(
        "ir.attachment", string="Artifact", readonly=True, ondelete="set null"
    )
    artifact_checksum = fields.Char(string="Artifact SHA-256", readonly=True)
    artifact_size = fields.Integer(string="Artifact Size (bytes)", readonly=True)
    # why it failed: a code of the capability's messages and its parameters,
    # rendered in the reader's language
    failure_code = fields.Char(readonly=True)
    failure_params = fields.Json(readonly=True)
    failure_message = fields.Text(compute="_compute_failure_message")
    verdict_html = fields.Html(
        string="Verdict", compute="_compute_verdict_html", sanitize=False
    )
    primary_metric_label = fields.Char(
        string="Primary Metric", compute="_compute_primary_metric_label"
    )
    run_ids = fields.One2many("pyme.ai.run", "model_id", string="Runs")

    @api.depends("metrics", "report", "primary_metric", "higher_is_better")
    def _compute_metrics_html(self):
        directions = {
            "higher": self.env._("higher is better"),
            "lower": self.env._("lower is better"),
            "target": self.env._("closest to the ideal is best"),
        }
        for record in self:
            metrics = record.metrics or {}
            if not metrics:
                record.metrics_html = False
                continue
            capability = record._capability()
            info = record._metric_info(capability)
            baselines = (record.report or {}).get("baselines") or {}
            columns = [(self.env._("This model"), metrics)]
            columns += [
                (
                    name if capability is None else capability._ai_baseline_label(name),
                    values,
                )
                for name, values in baselines.items()
                if isinstance(values, dict)
            ]
            head = Markup("").join(
                Markup("<th class='text-end'>%s</th>") % title for title, __ in columns
            )
            rows = Markup("")
            # in the capability's order, then the others
            keys = [k for k in info if k in metrics] + [
                k for k in metrics if k not in info
            ]
            for key, value in ((k, metrics[k]) for k in keys):
                if not isinstance(value, int | float) or isinstance(value, bool):
                    continue
                cells = Markup("").join(
                    Markup("<td class='text-end'>%s</td>")
                    % record._format_metric(values.get(key))
                    for __, values in columns
                )
                label, direction = info.get(key, (key, None))
                if key == record.primary_metric:
                    label = Markup("<strong>%s</strong>") % label
                    direction = direction or (
                        "higher" if record.higher_is_better else "lower"
                    )
                if direction in directions:
                    label = Markup("%s <small class='text-muted'>(%s)</small>") % (
                        label,
                        directions[direction],
                    )
                rows += Markup("<tr><td>%s</td>%s</tr>") % (label, cells)
            record.metrics_html = Markup(
                "<table class='table table-sm o_pyme_ai_metrics'>"
                "<thead><tr><th>%s</th>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (self.env._("Metric"), head, rows)

    @api.depends("report", "kind")
    @api.depends_context("lang")
    def _compute_verdict_html(self):
        for record in self:
            capability = record._capability()
            record.verdict_html = (
                capability._ai_verdict_html(record) if capability is not None else False
            )

    @api.depends("primary_metric", "kind")
    @api.depends_context("lang")
    def _compute_primary_metric_label(self):
        for record in self:
            info = record._metric_info(record._capability())
            key = record.primary_metric
            record.primary_metric_label = info.get(key, (key,))[0] if key else False

    @api.depends("failure_code", "failure_params", "kind")
    @api.depends_context("lang")
    def _compute_failure_message(self):
        capabilities = self.env["pyme.ai.capability"]
        for model in self:
            capability = capabilities._ai_for_kind(model.kind, capabilities)
            code, params = model.failure_code, model.failure_params
            model.failure_message = code and capability._ai_message(code, params)

    @api.depends("library_versions")
    def _compute_library_versions_text(self):
        for record in self:
            versions = record.library_versions or {}
            record.library_versions_text = ", ".join(
                f"{name} {version}"
                for name, version in sorted(versions.items())
                if version
            )

    @api.model
    def _selection_kind(self):
        """Kinds declared by the models inheriting ``pyme.ai.capability``."""
        kinds = {}
        for cap in self.env["pyme.ai.capability"]._ai_capabilities():
            kinds.setdefault(cap._ai_kind, str(cap._ai_kind_label or cap._ai_kind))
        kinds.pop(None, None)  # the abstract model's
        return list(kinds.items())

    def _capability(self):
        """The capability model of this model's kind (None when not installed)."""
        self.ensure_one()
        return self.env["pyme.ai.capability"]._ai_for_kind(self.kind)

    def _metric_info(self, capability=None):
        """{metric key: (label, direction or None)}: generic entries, then the
        ones the capability declares in ``_ai_metrics``."""
        info = {
            "n": (self.env._("Holdout rows"), None),
            "positive_rate": (self.env._("Positive rate"), None),
        }
        if capability is not None:
            info.update(capability._ai_metric_info())
        return info

    def _format_metric(self, value):
        """A metric in the reader's number format (decimal comma in Spanish)."""
        if value is None or isinstance(value, bool):
            return "—"
        return formatLang(self.env, value, digits=0 if isinstance(value, int) else 4)

    @api.constrains("state", "kind", "company_id")
    def _check_single_active(self):
        # Plain SQL: a search would flush and hit the unique index before this message.
        for record in self.filtered(lambda m: m.state == MODEL_ACTIVE):
            self.env.cr.execute(
                SQL(
                    "SELECT 1 FROM pyme_ai_model WHERE state = 'active' AND kind = %s "
                    "AND company_id = %s AND id != %s LIMIT 1",
                    record.kind,
                    record.company_id.id,
                    record.id,
                )
            )
            if self.env.cr.fetchone():
                raise ValidationError(
                    self.env._(
                        "Only one model of kind %(kind)s can be active per company.",
                        kind=record.kind,
                    )
                )

    @api.depends("name", "kind", "train_date")
    @api.depends_context("lang", "tz")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        for model in self:
            date = format_datetime(self.env, model.train_date, dt_format="short")
            parts = filter(None, (kinds.get(model.kind), date))
            model.display_name = model.name or " · ".join(parts)

    def init(self):
        # The constraint above gives a readable message; the index makes it race-free.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS pyme_ai_model_one_active_idx "
                "ON pyme_ai_model (kind, company_id) WHERE state = 'active'"
            )
        )

    # ------------------------------------------------------------------ actions
    def action_activate(self):
        """Make this model the active one of its kind (rollback to an older model)."""
        self.ensure_one()
        self.check_access("write")
        if not self.attachment_id:
            raise UserError(
                self.env._("This model has no stored artifact to activate.")
            )
        if self._load_engine_model(retrain=False) is None:
            # refused: the reason is recorded on the model (no exception, so it is kept)
            return notify(
                self.env,
                self.failure_message,
                type="danger",
                next_action={"type": "ir.actions.client", "tag": "soft_reload"},
            )
        self.failure_code = False
        previous = self._activate()
        capability = self._capability()
        if capability is not None:
            capability.with_company(self.company_id)._ai_after_activate(
                self.sudo(), previous
            )
        return True

    def action_archive_model(self):
        self.check_access("write")
        active = self.filtered(lambda m: m.state == MODEL_ACTIVE)
        active.write({"state": MODEL_ARCHIVED})
        log_event(active, "pyme_ai_base.mt_model_archived")
        return True

    # ------------------------------------------------------------------ business
    def _activate(self):
        """Activate this model; return the model(s) it replaces."""
        self.ensure_one()
        previous = self.search(
            [
                ("state", "=", MODEL_ACTIVE),
                ("kind", "=", self.kind),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self.id),
            ]
        )
        previous.write({"state": MODEL_ARCHIVED})
        previous.flush_recordset(["state"])  # free the one-active slot first
        self.state = MODEL_ACTIVE
        log_event(previous, "pyme_ai_base.mt_model_replaced")
        # the tracked holdout score compares it with the model it replaces
        same = previous.filtered(lambda m: m.primary_metric == self.primary_metric)[:1]
        score = {self.id: {"primary_score": (same.primary_score, self.primary_score)}}
        log_event(self, "pyme_ai_base.mt_model_activated", score if same else None)
        return previous

    @api.model
    def _get_active(self, kind, company=None):
        company = company or self.env.company
        return self.search(
            [
                ("state", "=", MODEL_ACTIVE),
                ("kind", "=", kind),
                ("company_id", "=", company.id),
            ],
            limit=1,
        )

    @api.model
    def _signing_key(self):
        secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
        if not secret:
            raise UserError(self.env._("The database secret is not set."))
        return f"pyme_ai:{secret}"

    @api.model
    def _store_result(self, kind, company, result, duration, state=MODEL_ARCHIVED):
        """Create a registry record holding ``result`` (a TrainingResult), signed."""
        data = persistence.dumps(
            result.model,
            self._signing_key(),
            metadata={"kind": kind, "company_id": company.id},
        )
        header = persistence.inspect(data)
        record = self.create(
            {
                "kind": kind,
                "company_id": company.id,
                "state": state,
                "train_date": fields.Datetime.now(),
                "train_rows": result.n_rows,
                "train_duration": duration,
                "primary_metric": result.primary_metric,
                "higher_is_better": result.higher_is_better,
                "primary_score": result.score or 0.0,
                "metrics": result.metrics,
                "report": result.report,
                "library_versions": header["versions"],
                "artifact_checksum": header["sha256"],
                "artifact_size": len(data),
            }
        )
        record.attachment_id = self.env["ir.attachment"].create(
            {
                "name": f"{kind}-{record.id}.pymeai",
                "raw": data,
                "mimetype": "application/octet-stream",
                "res_model": self._name,
                "res_id": record.id,
            }
        )
        return record

    def _read_engine_model(self):
        """The verified engine object of this model, cached per worker; raises
        ArtifactError when the artifact is missing, altered, signed with another
        key, made for another kind or company, or unloadable here (read without
        the web client's ``bin_size``, which gives a size instead of the bytes)."""
        self.ensure_one()
        attachment = self.sudo().with_context(bin_size=False).attachment_id
        if not attachment:
            raise ArtifactError(self.env._("the artifact file is missing"))
        key = self._signing_key()
        digest = hashlib.sha256(key.encode()).hexdigest()
        cache_key = (self.env.cr.dbname, self.id, attachment.checksum, digest)
        if cache_key in _ENGINE_CACHE:
            return _ENGINE_CACHE[cache_key]
        try:
            data = attachment.raw or b""
            header = persistence.inspect(data)
            if header["sha256"] != self.artifact_checksum:
                raise persistence.ChecksumMismatchError(
                    "artifact checksum differs from the one registered for this model"
                )
            engine_model = persistence.loads(
                data, key, kind=self.kind, company_id=self.company_id.id
            )
        except ArtifactError:
            raise
        except Exception as exc:  # noqa: BLE001 - unpickling may raise anything
            raise ArtifactError(error_message(exc)) from exc
        if len(_ENGINE_CACHE) >= _ENGINE_CACHE_SIZE:
            _ENGINE_CACHE.pop(next(iter(_ENGINE_CACHE)))
        _ENGINE_CACHE[cache_key] = engine_model
        return engine_model

    def _load_engine_model(self, retrain=True):
        """The verified engine object, or None when the artifact is refused (the
        model is then marked failed with the reason and, if ``retrain``, a
        retraining is queued)."""
        try:
            return self._read_engine_model()
        except ArtifactError as exc:
            self._refuse(exc, retrain=retrain)
            return None

    def _refuse(self, exc, retrain=True):
        """Mark this model failed because of ``exc`` (reading or applying it): the
        reason goes to its chatter and failure message, a retraining is queued."""
        self.ensure_one()
        if isinstance(exc, ArtifactError):  # the engine's reason code, if any
            code = getattr(exc.__cause__, "code", None) or "refused"
        else:
            code = "apply_failed"
        params = {"reason": error_message(exc)}
        _logger.warning(
            "pyme_ai: refused %s model %s of company %s: %s",
            self.kind,
            self.id,
            self.company_id.id,
            params["reason"],
            exc_info=not isinstance(exc, ArtifactError | PymeAiError | UserError),
        )
        values = {"failure_code": code, "failure_params": params}
        self.sudo().write(dict(values, state=MODEL_FAILED))
        log_event(self.sudo(), "pyme_ai_base.mt_model_refused")
        capability = self._capability()
        if retrain and capability is not None:
            capability._ai_trigger_training()

    # ------------------------------------------------------------------ retention
    @api.model
    def _ai_expired_model_ids(self, limit=None):
        """Ids of the models to delete: not active, trained (or created) more than
        the retention days ago, and not among the last few non-active models of
        their kind and company. Empty when the retention is 0 (keep forever)."""
        days = ai_param(
            self.env, MODEL_RETENTION_PARAM, DEFAULT_MODEL_RETENTION_DAYS, int, low=0
        )
        keep = ai_param(self.env, MODEL_KEEP_PARAM, DEFAULT_MODEL_KEEP, int, low=0)
        if not days:
            return []
        self.flush_model(["state", "kind", "company_id", "train_date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM (
                    SELECT id, COALESCE(train_date, create_date) AS day,
                           ROW_NUMBER() OVER (
                               PARTITION BY kind, company_id
                               ORDER BY COALESCE(train_date, create_date) DESC, id DESC
                           ) AS rank
                      FROM pyme_ai_model
                     WHERE state != %(active)s
                ) m
                 WHERE m.rank > %(keep)s AND m.day < %(cutoff)s
              ORDER BY id
                 LIMIT %(limit)s
                """,
                active=MODEL_ACTIVE,
                keep=keep,
                cutoff=fields.Datetime.now() - timedelta(days=days),
                limit=limit,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    @api.model
    def _cron_retention(self):
        """Delete expired models with their files, then expired runs (a batch)."""
        expired = self._ai_expired_model_ids()
        models = self.sudo().browse(expired[:RETENTION_MODEL_BATCH])
        if models:
            attachments = (
                self.env["ir.attachment"]
                .sudo()
                .search([("res_model", "=", self._name), ("res_id", "in", models.ids)])
            )
            (attachments | models.attachment_id).unlink()
            models.unlink()
        runs, runs_left = self.env["pyme.ai.run"]._ai_delete_expired(
            RETENTION_RUN_BATCH
        )
        self.env["ir.cron"]._notify_progress(
            done=len(models) + runs,
            remaining=len(expired) - len(models) + runs_left,
        )
        return len(models), runs
