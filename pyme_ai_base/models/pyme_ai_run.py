# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import (
    RUN_DONE,
    RUN_FAILED,
    RUN_NO_DATA,
    RUN_REJECTED,
    RUN_RUNNING,
    ai_model_field,
    ai_param,
    company_field,
)

RUN_RETENTION_PARAM = "pyme_ai_base.run_retention_days"
DEFAULT_RUN_RETENTION_DAYS = 180


class PymeAiRun(models.Model):
    _name = "pyme.ai.run"
    _description = "AI Run"
    _order = "start_date desc, id desc"
    _check_company_auto = True

    kind = fields.Selection(
        selection=lambda self: self.env["pyme.ai.model"]._selection_kind(),
        required=True,
        index=True,
        readonly=True,
    )
    operation = fields.Selection(
        [("train", "Training"), ("apply", "Applying")], required=True, readonly=True
    )
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual")],
        default="cron",
        required=True,
        readonly=True,
    )
    company_id = company_field()
    model_id = ai_model_field(index="btree_not_null", check_company=True)
    state = fields.Selection(
        [
            (RUN_RUNNING, "Running"),
            (RUN_DONE, "Done"),
            (RUN_REJECTED, "Rejected"),
            (RUN_FAILED, "Failed"),
            (RUN_NO_DATA, "Not Enough Data"),
        ],
        required=True,
        default=RUN_RUNNING,
        readonly=True,
        index=True,
    )
    start_date = fields.Datetime(
        string="Started", default=fields.Datetime.now, readonly=True
    )
    end_date = fields.Datetime(string="Ended", readonly=True)
    duration = fields.Float(string="Duration (s)", digits=(16, 2), readonly=True)
    records_count = fields.Integer(string="Records", readonly=True)
    # a known message is stored as a code and its parameters, rendered when read
    message_code = fields.Char(readonly=True)
    message_params = fields.Json(readonly=True)
    error = fields.Text(readonly=True, help="What went wrong, as the error said it.")
    message = fields.Text(compute="_compute_message")

    @api.depends("kind", "message_code", "message_params", "error")
    @api.depends_context("lang")
    def _compute_message(self):
        capabilities = self.env["pyme.ai.capability"]
        for run in self:
            if not run.message_code:
                run.message = run.error
                continue
            capability = capabilities._ai_for_kind(run.kind, capabilities)
            run.message = capability._ai_message(run.message_code, run.message_params)

    @api.depends("kind", "operation", "start_date")
    def _compute_display_name(self):
        kinds = dict(self._fields["kind"]._description_selection(self.env))
        operations = dict(self._fields["operation"]._description_selection(self.env))
        for run in self:
            start = fields.Datetime.to_string(run.start_date)
            parts = (kinds.get(run.kind), operations.get(run.operation), start)
            run.display_name = " · ".join(part for part in parts if part)

    def _lock(self):
        """Lock these runs until the transaction ends: a running run whose lock is
        free belongs to a worker that died."""
        if self.ids:
            query = "SELECT id FROM pyme_ai_run WHERE id = ANY(%s) FOR UPDATE"
            self.env.cr.execute(SQL(query, self.ids))

    def _finish(
        self,
        state,
        message=False,
        records_count=None,
        model=None,
        code=False,
        params=None,
    ):
        """Close these runs: ``message`` is an error's own text; known messages
        are a ``code`` of the capability's messages with its ``params``."""
        now = fields.Datetime.now()
        for run in self:
            duration = (now - run.start_date).total_seconds()
            values = dict(state=state, end_date=now, duration=duration, error=message)
            values.update(message_code=code, message_params=params or False)
            if records_count is not None:
                values["records_count"] = records_count
            if model is not None:
                values["model_id"] = model.id
            run.write(values)

    @api.model
    def _ai_delete_expired(self, limit):
        """Delete up to ``limit`` finished runs started more than the run retention
        days ago (0: keep forever); return (deleted, still to delete)."""
        days = ai_param(
            self.env, RUN_RETENTION_PARAM, DEFAULT_RUN_RETENTION_DAYS, int, low=0
        )
        if not days:
            return 0, 0
        domain = [
            ("state", "!=", RUN_RUNNING),
            ("start_date", "<", fields.Datetime.now() - timedelta(days=days)),
        ]
        runs = self.sudo().search(domain, order="id", limit=limit)
        runs.unlink()
        remaining = self.sudo().search_count(domain) if len(runs) == limit else 0
        return len(runs), remaining
