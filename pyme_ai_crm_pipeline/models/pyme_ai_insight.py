# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Plain-language findings about the pipeline, recomputed by a cron."""

from collections import Counter

from odoo import api, fields, models

from odoo.addons.pyme_ai_base.tools import display_value

from pyme_ai.sales import (
    salesperson_activity_insights,
    source_insights,
    stage_stall_insights,
)

MIN_SAMPLE_PARAM = "pyme_ai_crm_pipeline.insight_min_sample"
DEFAULT_MIN_SAMPLE = 20


class PymeAiInsight(models.Model):
    _name = "pyme.ai.insight"
    _description = "AI Sales Insight"
    _order = "company_id, sequence, id"

    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    sequence = fields.Integer(default=10)
    code = fields.Selection(
        [
            ("source_wins_more", "Source wins more"),
            ("source_wins_less", "Source wins less"),
            ("stage_stalls", "Stage stalls"),
            ("salesperson_activity_wins_more", "First activity wins more"),
        ],
        string="Finding",
        required=True,
        readonly=True,
    )
    params = fields.Json(readonly=True)
    text = fields.Text(string="Insight", compute="_compute_text")
    sample_size = fields.Integer(readonly=True, help="Deals or stage periods compared.")
    source_id = fields.Many2one("utm.source", string="Source", readonly=True)
    stage_id = fields.Many2one("crm.stage", string="Stage", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    activity_type_id = fields.Many2one(
        "mail.activity.type", string="Activity Type", readonly=True
    )
    date = fields.Datetime(string="Computed On", readonly=True)

    @api.depends("code", "params", "source_id", "stage_id", "user_id")
    @api.depends_context("lang")
    def _compute_text(self):
        _ = self.env._
        for insight in self:
            p = dict(insight.params or {})
            for key in ("win_rate", "rest_win_rate", "other_win_rate"):
                if key in p:
                    p[key] = round(p[key] * 100)
            p = {key: display_value(self.env, value) for key, value in p.items()}
            if insight.code in ("source_wins_more", "source_wins_less"):
                values = {k: v for k, v in p.items() if k != "source"}
                values["lead_source"] = insight.source_id.name or _("No source")
                if insight.code == "source_wins_more":
                    text = _(
                        "Deals from %(lead_source)s win more: %(win_rate)s%% won "
                        "(%(won)s of %(n)s) vs %(rest_win_rate)s%% for other sources "
                        "(%(rest_won)s of %(rest_n)s).",
                        **values,
                    )
                else:
                    text = _(
                        "Deals from %(lead_source)s win less: %(win_rate)s%% won "
                        "(%(won)s of %(n)s) vs %(rest_win_rate)s%% for other sources "
                        "(%(rest_won)s of %(rest_n)s).",
                        **values,
                    )
            elif insight.code == "stage_stalls":
                text = _(
                    "Deals stall in stage %(stage)s: median %(median)s days there "
                    "(%(n)s stage periods) vs %(overall)s days per stage overall "
                    "(%(overall_n)s stage periods).",
                    stage=insight.stage_id.name or "?",
                    median=p.get("median_days"),
                    overall=p.get("overall_median_days"),
                    n=p.get("n"),
                    overall_n=p.get("overall_n", insight.sample_size),
                )
            else:
                text = _(
                    "%(salesperson)s wins more when the first activity is "
                    "%(activity)s: %(win_rate)s%% won (%(won)s of %(n)s) vs "
                    "%(other_win_rate)s%% otherwise (%(other_won)s of %(other_n)s).",
                    **dict(
                        p,
                        salesperson=insight.user_id.name or "?",
                        activity=insight.activity_type_id.name or "?",
                    ),
                )
            insight.text = text

    def _min_sample(self):
        return self.env["pyme.ai.capability"]._ai_param(
            MIN_SAMPLE_PARAM, DEFAULT_MIN_SAMPLE, int, low=1
        )

    @api.model
    def _ai_report_action(self):
        """The insights menu: with too few closed deals to compare groups of the
        minimum sample, the empty screen says how many there are."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        closed = Lead.search_count(Lead._ai_closed_domain() + Lead._ai_company_domain())
        needed = 2 * self._min_sample()
        notice = closed < needed and self.env._(
            "Findings need at least %(min)s closed opportunities (won or lost) to "
            "compare; there are %(n)s.",
            min=display_value(self.env, needed),
            n=display_value(self.env, closed),
        )
        return self.env["pyme.ai.capability"]._ai_report_action(
            "pyme_ai_crm_pipeline.pyme_ai_insight_action", notice=notice or False
        )

    @api.model
    def _cron_compute(self):
        companies = self.env["res.company"].sudo().search([])
        for company in companies:
            self.sudo().with_company(company)._compute_for_company()
            self.env["ir.cron"]._notify_progress(done=1, remaining=0)

    @api.model
    def _compute_for_company(self):
        """Replace the current company's insights by freshly computed ones."""
        company = self.env.company
        Lead = self.env["crm.lead"]
        min_n = self._min_sample()
        closed = Lead._ai_closed_leads()
        intervals = [
            (r["lead_id"], r["stage_id"], r["entered"], r["left"])
            for r in Lead._ai_stage_intervals()
        ]
        # time spent in a won stage is not time a deal stalls
        won_stages = set(self.env["crm.stage"].search([("is_won", "=", True)]).ids)
        intervals = [r for r in intervals if r[1] not in won_stages]
        findings = source_insights(
            [r["source_id"] for r in closed], [r["won"] for r in closed], min_n=min_n
        )
        findings += stage_stall_insights(intervals, min_n=min_n)
        findings += salesperson_activity_insights(
            [r["user_id"] for r in closed],
            [r["activity_type_id"] for r in closed],
            [r["won"] for r in closed],
            min_n=max(min_n // 2, 1),
        )
        now = fields.Datetime.now()
        values = []
        for sequence, finding in enumerate(findings):
            p = finding["params"]
            values.append(
                {
                    "company_id": company.id,
                    "sequence": sequence,
                    "code": finding["code"],
                    "params": p,
                    "sample_size": finding["sample_size"],
                    "source_id": p.get("source"),
                    "stage_id": p.get("stage"),
                    "user_id": p.get("salesperson"),
                    "activity_type_id": p.get("activity_type"),
                    "date": now,
                }
            )
        self.search([("company_id", "=", company.id)]).unlink()
        created = self.create(values)
        return created, Counter(v["code"] for v in values)
