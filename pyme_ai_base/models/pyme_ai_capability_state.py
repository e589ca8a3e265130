# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.tools import SQL


class PymeAiCapabilityState(models.Model):
    """One row per installed capability: its on/off switch and train-now button."""

    _name = "pyme.ai.capability.state"
    _description = "AI Capability"
    _order = "id"

    kind = fields.Selection(
        selection=lambda self: self.env["pyme.ai.model"]._selection_kind(),
        required=True,
        readonly=True,
    )
    name = fields.Char(compute="_compute_name")
    enabled = fields.Boolean(
        compute="_compute_enabled",
        inverse="_inverse_enabled",
        help="Switched off, the capability neither trains nor applies its models.",
    )
    active_model_id = fields.Many2one(
        "pyme.ai.model", string="Active Model", compute="_compute_status"
    )
    primary_metric = fields.Char(compute="_compute_status")
    primary_score = fields.Float(
        string="Holdout Score", digits=(16, 4), compute="_compute_status"
    )
    last_run_id = fields.Many2one(
        "pyme.ai.run", string="Last Training", compute="_compute_status"
    )
    last_run_date = fields.Datetime(
        string="Last Training On", compute="_compute_status"
    )
    last_run_state = fields.Selection(
        selection=lambda self: (
            self.env["pyme.ai.run"]._fields["state"]._description_selection(self.env)
        ),
        string="Last Training Status",
        compute="_compute_status",
    )
    notice = fields.Char(string="What Is Missing", compute="_compute_status")

    _sql_constraints = [
        ("kind_unique", "UNIQUE(kind)", "Each AI capability is listed once."),
    ]

    @api.depends("kind")
    def _compute_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for state in self:
            state.name = labels.get(state.kind, state.kind)

    def _compute_enabled(self):
        for state in self:
            capability = state._ai_capability()
            state.enabled = bool(capability is not None and capability._ai_is_enabled())

    def _inverse_enabled(self):
        for state in self:
            capability = state._ai_capability()
            if capability is not None:
                capability._ai_set_enabled(state.enabled)

    @api.depends_context("company")
    def _compute_status(self):
        registry = self.env["pyme.ai.model"]
        runs = self.env["pyme.ai.run"]
        for state in self:
            model = registry._get_active(state.kind)
            run = runs.search(
                [
                    ("kind", "=", state.kind),
                    ("operation", "=", "train"),
                    ("company_id", "=", self.env.company.id),
                ],
                limit=1,
            )
            state.active_model_id = model
            state.primary_metric = model.primary_metric
            state.primary_score = model.primary_score
            state.last_run_id = run
            state.last_run_date = run.start_date
            state.last_run_state = run.state
            capability = state._ai_capability()
            state.notice = (
                capability._ai_notice(hint=False) if capability is not None else False
            )

    def _ai_capability(self):
        self.ensure_one()
        return self.env["pyme.ai.capability"]._ai_for_kind(self.kind)

    @api.model
    def _ai_sync(self):
        """One row per registered kind (rows of uninstalled kinds are dropped)."""
        kinds = [kind for kind, __ in self.env["pyme.ai.model"]._selection_kind()]
        self.env.cr.execute(
            SQL(
                "DELETE FROM pyme_ai_capability_state "
                "WHERE NOT kind = ANY(%s::varchar[])",
                kinds,
            )
        )
        if kinds:
            self.env.cr.execute(
                SQL(
                    "INSERT INTO pyme_ai_capability_state "
                    "(kind, create_uid, write_uid, create_date, write_date) "
                    "SELECT k, %s, %s, NOW() AT TIME ZONE 'UTC', "
                    "NOW() AT TIME ZONE 'UTC' FROM unnest(%s::varchar[]) AS k "
                    "ON CONFLICT (kind) DO NOTHING",
                    self.env.uid,
                    self.env.uid,
                    kinds,
                )
            )
        self.invalidate_model()

    @api.model
    def action_open_capabilities(self):
        """Menu entry: sync the rows, then list them."""
        self._ai_sync()
        return self.env["ir.actions.act_window"]._for_xml_id(
            "pyme_ai_base.pyme_ai_capability_state_action"
        )

    def action_train_now(self):
        self.ensure_one()
        capability = self._ai_capability()
        if capability is None:
            return False
        return capability.action_ai_train_now()
