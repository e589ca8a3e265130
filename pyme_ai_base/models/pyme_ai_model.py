# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import logging

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from pyme_ai import persistence

_logger = logging.getLogger(__name__)

# Verified engine models per worker, keyed by (database, model id, attachment checksum).
_ENGINE_CACHE = {}
_ENGINE_CACHE_SIZE = 16


class PymeAiModel(models.Model):
    _name = "pyme.ai.model"
    _description = "AI Model"
    _inherit = ["mail.thread"]
    _order = "train_date desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    kind = fields.Selection(
        selection="_selection_kind", required=True, index=True, readonly=True
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    state = fields.Selection(
        [("active", "Active"), ("archived", "Archived"), ("failed", "Failed")],
        required=True,
        default="archived",
        index=True,
        tracking=True,
        readonly=True,
    )
    train_date = fields.Datetime(string="Trained On", readonly=True)
    train_rows = fields.Integer(string="Training Rows", readonly=True)
    train_duration = fields.Float(
        string="Training Duration (s)", digits=(16, 2), readonly=True
    )
    primary_metric = fields.Char(readonly=True)
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
    failure_message = fields.Text(readonly=True)
    run_ids = fields.One2many("pyme.ai.run", "model_id", string="Runs")

    @api.depends("metrics", "report", "primary_metric")
    def _compute_metrics_html(self):
        labels = self._metric_labels()
        for record in self:
            metrics = record.metrics or {}
            baselines = (record.report or {}).get("baselines") or {}
            if not metrics:
                record.metrics_html = False
                continue
            columns = [(self.env._("This model"), metrics)]
            columns += [
                (labels.get(name, name), values)
                for name, values in baselines.items()
                if isinstance(values, dict)
            ]
            head = Markup("").join(
                Markup("<th class='text-end'>%s</th>") % title for title, __ in columns
            )
            rows = Markup("")
            for key, value in metrics.items():
                if not isinstance(value, int | float) or isinstance(value, bool):
                    continue
                cells = Markup("").join(
                    Markup("<td class='text-end'>%s</td>")
                    % record._format_metric(values.get(key))
                    for __, values in columns
                )
                label = labels.get(key, key)
                if key == record.primary_metric:
                    label = Markup("<strong>%s</strong>") % label
                rows += Markup("<tr><td>%s</td>%s</tr>") % (label, cells)
            record.metrics_html = Markup(
                "<table class='table table-sm o_pyme_ai_metrics'>"
                "<thead><tr><th>%s</th>%s</tr></thead><tbody>%s</tbody></table>"
            ) % (self.env._("Metric"), head, rows)

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
        kinds = []
        for model_name in self.env.registry.descendants(
            ["pyme.ai.capability"], "_inherit"
        ):
            model = self.env[model_name]
            if model._ai_kind and model._ai_kind not in dict(kinds):
                kinds.append(
                    (model._ai_kind, str(model._ai_kind_label or model._ai_kind))
                )
        return kinds

    def _metric_labels(self):
        _ = self.env._
        return {
            "auc": _("AUC (ranking quality)"),
            "brier": _("Brier score (lower is better)"),
            "log_loss": _("Log loss (lower is better)"),
            "lift_10": _("Lift in top 10%"),
            "lift_20": _("Lift in top 20%"),
            "n": _("Holdout rows"),
            "positive_rate": _("Positive rate"),
            "rmsse": _("RMSSE (lower is better)"),
            "mase": _("MASE (lower is better)"),
            "pinball": _("Pinball loss (lower is better)"),
            "coverage_90": _("Coverage of the 90% quantile"),
            "accuracy": _("Accuracy"),
            "in_scope_accuracy": _("In-scope accuracy"),
            "oos_recall": _("Out-of-scope recall"),
            "naive_bayes": _("Naive Bayes (like Odoo's native scoring)"),
            "logistic": _("Logistic regression"),
            "odoo_native": _("Odoo native scoring"),
        }

    @staticmethod
    def _format_metric(value):
        if value is None or isinstance(value, bool):
            return "—"
        if isinstance(value, int):
            return str(value)
        return f"{value:.4f}"

    @api.constrains("state", "kind", "company_id")
    def _check_single_active(self):
        # Plain SQL: a search would flush and hit the unique index before this message.
        for record in self.filtered(lambda m: m.state == "active"):
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
        if self._load_engine_model() is None:
            # refused: the reason is recorded on the model (no exception, so it is kept)
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "danger",
                    "message": self.failure_message,
                    "next": {"type": "ir.actions.client", "tag": "soft_reload"},
                },
            }
        self.failure_message = False
        self._activate()
        return True

    def action_archive_model(self):
        self.check_access("write")
        self.filtered(lambda m: m.state == "active").write({"state": "archived"})
        return True

    # ------------------------------------------------------------------ business
    def _activate(self):
        self.ensure_one()
        previous = self.search(
            [
                ("state", "=", "active"),
                ("kind", "=", self.kind),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self.id),
            ]
        )
        previous.write({"state": "archived"})
        previous.flush_recordset(["state"])  # free the one-active slot first
        self.state = "active"
        self.message_post(
            body=self.env._(
                "Model activated; it replaces %(previous)s.",
                previous=", ".join(previous.mapped("display_name"))
                or self.env._("no previous model"),
            )
        )

    @api.model
    def _get_active(self, kind, company=None):
        company = company or self.env.company
        return self.search(
            [
                ("state", "=", "active"),
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
    def _store_result(
        self, kind, company, result, duration, name=None, state="archived"
    ):
        """Create a registry record holding ``result`` (a TrainingResult), signed."""
        data = persistence.dumps(
            result.model,
            self._signing_key(),
            metadata={"kind": kind, "company_id": company.id},
        )
        header = persistence.inspect(data)
        record = self.create(
            {
                "name": name
                or self.env._(
                    "%(kind)s %(date)s",
                    kind=dict(self._selection_kind()).get(kind, kind),
                    date=fields.Datetime.to_string(fields.Datetime.now()),
                ),
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

    def _load_engine_model(self):
        """The verified engine object of this model, cached per worker.

        A tampered, foreign or incompatible artifact is refused: the model is marked
        failed with the reason, the refusal is posted on its chatter, and None is
        returned.
        """
        self.ensure_one()
        attachment = self.sudo().attachment_id
        cache_key = (self.env.cr.dbname, self.id, attachment.checksum)
        if cache_key in _ENGINE_CACHE:
            return _ENGINE_CACHE[cache_key]
        if not attachment:
            raise UserError(self.env._("This model has no stored artifact."))
        try:
            data = attachment.raw or b""
            if persistence.checksum(data) != self.artifact_checksum:
                raise persistence.ChecksumMismatchError(
                    "artifact checksum differs from the one registered for this model"
                )
            engine_model = persistence.loads(data, self._signing_key())
        except persistence.PersistenceError as exc:
            self._refuse_artifact(exc)
            return None
        if len(_ENGINE_CACHE) >= _ENGINE_CACHE_SIZE:
            _ENGINE_CACHE.pop(next(iter(_ENGINE_CACHE)))
        _ENGINE_CACHE[cache_key] = engine_model
        return engine_model

    def _refuse_artifact(self, exc):
        self.ensure_one()
        _logger.warning("pyme_ai: refused artifact of model %s: %s", self.id, exc)
        reason = self.env._("Artifact refused: %(reason)s", reason=str(exc))
        self.sudo().write({"state": "failed", "failure_message": reason})
        self.sudo().message_post(body=reason)
        if isinstance(exc, persistence.IncompatibleVersionError):
            # Retrain with the installed libraries instead of failing for good.
            capability = self.env["pyme.ai.capability"]._ai_for_kind(self.kind)
            if capability is not None:
                capability._ai_trigger_training()
