# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""The "Does the AI work?" report: the active lead-scoring model's verdict, for the
sales managers who do not administer the AI (they cannot open the model itself)."""

from odoo import api, fields, models
from odoo.tools.misc import format_date

from odoo.addons.pyme_ai_base.tools import display_value


class PymeAiLeadVerdict(models.TransientModel):
    _name = "pyme.ai.lead.verdict"
    _description = "Does the AI Work?"

    company_id = fields.Many2one(
        "res.company", default=lambda self: self.env.company, readonly=True
    )
    verdict_html = fields.Html(
        string="Verdict", compute="_compute_report", sanitize=False
    )
    summary = fields.Char(compute="_compute_report")
    notice = fields.Char(compute="_compute_report")

    @api.depends("company_id")
    @api.depends_context("lang")
    def _compute_report(self):
        scoring = self.env["pyme.ai.lead.scoring"]
        Model = self.env["pyme.ai.model"].sudo()
        for record in self:
            active = Model._get_active(scoring._ai_kind, record.company_id)
            if not active:
                active = False  # falsy values below, not an empty recordset
            record.notice = not active and scoring._ai_notice(record.company_id)
            record.verdict_html = active and scoring._ai_verdict_html(active)
            record.summary = active and self.env._(
                "Model of %(date)s, learnt from %(leads)s closed leads of your "
                "company and checked on others it never saw.",
                date=format_date(self.env, active.train_date),
                leads=display_value(
                    self.env, (active.report or {}).get("leads") or active.train_rows
                ),
            )

    def _compute_display_name(self):
        self.display_name = self.env._("Does the AI work?")

    @api.model
    def action_open(self):
        """The report for the current company (a fresh record: always current)."""
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Does the AI work?"),
            "res_model": self._name,
            "res_id": self.create({}).id,
            "view_mode": "form",
            "target": "current",
        }
