# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models

from ..tools import translate
from .pyme_ai_capability import (
    DEFAULT_MARGIN,
    DEFAULT_MIN_SAMPLES,
    MARGIN_PARAM,
    MIN_SAMPLES_PARAM,
    TRY_IT,
)
from .pyme_ai_model import (
    DEFAULT_MODEL_KEEP,
    DEFAULT_MODEL_RETENTION_DAYS,
    MODEL_KEEP_PARAM,
    MODEL_RETENTION_PARAM,
)
from .pyme_ai_run import DEFAULT_RUN_RETENTION_DAYS, RUN_RETENTION_PARAM

RETRAIN_PARAM = "pyme_ai_base.retrain_interval_days"


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    pyme_ai_retrain_interval_days = fields.Integer(
        string="Retrain Every (days)",
        config_parameter=RETRAIN_PARAM,
        default=7,
        help="How often the AI models are retrained from the latest data.",
    )
    pyme_ai_min_samples = fields.Integer(
        string="Minimum Examples",
        config_parameter=MIN_SAMPLES_PARAM,
        default=DEFAULT_MIN_SAMPLES,
        help="Below this many examples of each outcome a model refuses to train.",
    )
    pyme_ai_regression_margin = fields.Float(
        string="Allowed Regression",
        config_parameter=MARGIN_PARAM,
        default=DEFAULT_MARGIN,
        digits=(16, 3),
        help="A new model scoring worse than the active one on its holdout by more "
        "than this margin is rejected and the active model is kept.",
    )
    pyme_ai_model_retention_days = fields.Integer(
        string="Delete Old Models After (days)",
        config_parameter=MODEL_RETENTION_PARAM,
        default=DEFAULT_MODEL_RETENTION_DAYS,
        help="Archived and failed models trained longer ago than this are deleted "
        "every day with their files (0: keep them forever). The active model is "
        "never deleted.",
    )
    pyme_ai_model_keep_count = fields.Integer(
        string="Old Models Kept",
        config_parameter=MODEL_KEEP_PARAM,
        default=DEFAULT_MODEL_KEEP,
        help="However old, this many of the latest non-active models of each kind "
        "and company are kept, to roll back to.",
    )
    pyme_ai_run_retention_days = fields.Integer(
        string="Delete Run Logs After (days)",
        config_parameter=RUN_RETENTION_PARAM,
        default=DEFAULT_RUN_RETENTION_DAYS,
        help="Finished training and scoring runs older than this are deleted every "
        "day (0: keep them forever).",
    )
    pyme_ai_notices = fields.Html(
        string="What the AI Is Missing", compute="_compute_pyme_ai_notices"
    )
    module_pyme_ai_crm = fields.Boolean(string="AI Lead Scoring")
    module_pyme_ai_inventory = fields.Boolean(string="AI Demand Forecasts")
    module_pyme_ai_chat = fields.Boolean(string="AI Website Chat")

    @api.depends("company_id")
    @api.depends_context("lang")
    def _compute_pyme_ai_notices(self):
        """One line per switched-on capability without a model for the company."""
        items = Markup("")
        for model in self.env["pyme.ai.capability"]._ai_capabilities():
            enabled = model._ai_kind and model._ai_is_enabled()
            notice = enabled and model._ai_notice(hint=False)
            if notice:
                label = translate(self.env, model._ai_kind_label)
                items += Markup("<li><strong>%s</strong>: %s</li>") % (label, notice)
        hint = Markup("<ul class='mb-1'>%s</ul>%s") % (
            items,
            translate(self.env, TRY_IT),
        )
        self.pyme_ai_notices = hint if items else False

    def set_values(self):
        res = super().set_values()
        days = max(self.pyme_ai_retrain_interval_days or 0, 1)
        for model in self.env["pyme.ai.capability"]._ai_capabilities():
            cron = model._ai_cron("train")
            if cron and (cron.interval_number, cron.interval_type) != (days, "days"):
                cron.sudo().write({"interval_number": days, "interval_type": "days"})
        return res

    # ------------------------------------------------------------ on/off switches
    # A switch is a Boolean field declared with compute="_compute_pyme_ai_switches"
    # and inverse="_inverse_pyme_ai_switches", listed by ``_pyme_ai_switches``.

    def _pyme_ai_switches(self):
        """{settings field: capability model name or cron xml id}; addons extend it.
        A capability is on while its training cron is active, a cron while active."""
        return {}

    def _pyme_ai_switch_value(self, target):
        if target in self.env:
            return self.env[target]._ai_is_enabled()
        cron = self.env.ref(target, raise_if_not_found=False)
        return bool(cron and cron.sudo().active)

    def _pyme_ai_set_switch(self, target, active):
        if target in self.env:
            self.env[target]._ai_set_enabled(active)
            return
        cron = self.env.ref(target, raise_if_not_found=False)
        if cron and cron.sudo().active != bool(active):
            cron.sudo().active = bool(active)

    @api.depends("company_id")
    def _compute_pyme_ai_switches(self):
        for field, target in self._pyme_ai_switches().items():
            value = self._pyme_ai_switch_value(target)
            for settings in self:
                settings[field] = value

    def _inverse_pyme_ai_switches(self):
        for field, target in self._pyme_ai_switches().items():
            for settings in self:
                self._pyme_ai_set_switch(target, settings[field])
