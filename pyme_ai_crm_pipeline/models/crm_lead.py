# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL


class CrmLead(models.Model):
    _inherit = "crm.lead"

    ai_at_risk = fields.Boolean(
        string="AI At Risk",
        readonly=True,
        copy=False,
        index=True,
        help="Open opportunity whose loss risk, learnt from the company's past "
        "deals, is clearly above the usual (among the riskiest of the pipeline).",
    )
    ai_risk = fields.Float(
        string="AI Loss Risk",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Chance of losing this opportunity, from how often past deals with the "
        "same signals (stuck in the stage, score falling, no next activity...) were "
        "lost.",
    )
    ai_risk_reasons = fields.Json(string="AI Risk Data", readonly=True, copy=False)
    ai_risk_reasons_text = fields.Text(
        string="AI Risk Reasons", compute="_compute_ai_risk_reasons_text"
    )
    ai_risk_date = fields.Datetime(
        string="AI Risk Checked On", readonly=True, copy=False
    )
    ai_best_contact = fields.Json(string="AI Best Time Data", readonly=True, copy=False)
    ai_best_contact_text = fields.Char(
        string="AI Best Time to Contact", compute="_compute_ai_best_contact_text"
    )

    @api.depends("ai_risk", "ai_risk_reasons")
    @api.depends_context("lang")
    def _compute_ai_risk_reasons_text(self):
        stage_ids = {
            int(reason["stage"])
            for lead in self
            for reason in lead.ai_risk_reasons or []
            if reason.get("code") == "stuck" and str(reason.get("stage")).isdigit()
        }
        names = dict(
            self.env["crm.stage"]
            .browse(stage_ids)
            .sudo()
            .mapped(lambda stage: (stage.id, stage.name))
        )
        _ = self.env._
        for lead in self:
            lines = []
            reasons = lead.ai_risk_reasons or []
            if reasons and reasons[0].get("base_rate") is not None:
                lines.append(
                    _(
                        "Loss risk %(risk)s%% (usually %(base)s%% of deals are lost).",
                        risk=round(lead.ai_risk * 100),
                        base=round(reasons[0]["base_rate"] * 100),
                    )
                )
            for reason in reasons:
                code = reason.get("code")
                if code == "stuck":
                    stage = reason.get("stage")
                    lines.append(
                        _(
                            "In stage %(stage)s for %(days)s days; deals usually "
                            "leave it within %(usual)s days (median %(median)s).",
                            stage=names.get(int(stage), stage)
                            if str(stage).isdigit()
                            else stage,
                            days=reason["days"],
                            usual=round(reason["usual_days"]),
                            median=round(reason["median_days"]),
                        )
                    )
                elif code == "score_drop":
                    lines.append(
                        _(
                            "AI score fell from %(previous)s to %(score)s.",
                            previous=round(reason["previous_score"]),
                            score=round(reason["score"]),
                        )
                    )
                elif code == "no_next_activity":
                    lines.append(_("No next activity is planned."))
                elif code == "activity_overdue" and reason["days_overdue"] == 1:
                    lines.append(_("The next activity is one day overdue."))
                elif code == "activity_overdue":
                    lines.append(
                        _(
                            "The next activity is %(days)s days overdue.",
                            days=reason["days_overdue"],
                        )
                    )
            lead.ai_risk_reasons_text = "\n".join(lines) or False

    @api.depends("ai_best_contact")
    @api.depends_context("lang")
    def _compute_ai_best_contact_text(self):
        for lead in self:
            best = lead.ai_best_contact
            if not best:
                lead.ai_best_contact_text = False
                continue
            lead.ai_best_contact_text = self.env._(
                "%(weekday)s %(start)02d:00-%(end)02d:00 (%(rate)s%% won when first "
                "contacted then, vs %(overall)s%% overall; %(events)s of %(total)s "
                "leads)",
                weekday=self._ai_weekday_names()[best["weekday"]],
                start=best["band"][0],
                end=best["band"][1],
                rate=round(best["raw_rate"] * 100),
                overall=round(best["overall_rate"] * 100),
                events=best["events"],
                total=best["n_events"],
            )

    def write(self, vals):
        if vals.get("active") is False or vals.get("probability") == 100:
            vals = dict(vals, ai_at_risk=False)  # closed deals are no longer at risk
        return super().write(vals)

    def _ai_weekday_names(self):
        _ = self.env._
        return [
            _("Monday"),
            _("Tuesday"),
            _("Wednesday"),
            _("Thursday"),
            _("Friday"),
            _("Saturday"),
            _("Sunday"),
        ]

    @api.model
    def _ai_company_domain(self):
        return [("company_id", "in", [self.env.company.id, False])]

    @api.model
    def _ai_open_domain(self):
        """Active leads not won yet."""
        won = expression.normalize_domain(self._ai_won_domain())
        return [("active", "=", True), "!", *won]

    @api.model
    def _ai_outcomes(self):
        """(won lead ids, lost lead ids) of the current company, archived included,
        by the won/lost vocabulary of pyme_ai_crm."""
        Lead = self.with_context(active_test=False)
        company = self._ai_company_domain()
        return (
            set(Lead.search(company + self._ai_won_domain()).ids),
            set(Lead.search(company + self._ai_lost_domain()).ids),
        )

    @api.model
    def _ai_closed_leads(self):
        """Won and lost leads of the current company with their first done activity.

        A list of dicts ``{"lead_id", "source_id", "user_id", "won",
        "activity_type_id", "activity_date", "tz"}`` (activity fields None when the
        lead has no done activity; ``tz`` is the salesperson's, else the company's).
        """
        won_ids, lost_ids = self._ai_outcomes()
        self.env["crm.lead"].flush_model()
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "mail_activity_type_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (l.id) l.id, l.source_id, l.user_id,
                       m.mail_activity_type_id, m.date, COALESCE(p.tz, cp.tz)
                  FROM crm_lead l
                  JOIN res_company c ON c.id = %s
             LEFT JOIN res_partner cp ON cp.id = c.partner_id
             LEFT JOIN res_users u ON u.id = l.user_id
             LEFT JOIN res_partner p ON p.id = u.partner_id
             LEFT JOIN mail_message m ON m.model = 'crm.lead' AND m.res_id = l.id
                                     AND m.mail_activity_type_id IS NOT NULL
                 WHERE l.id = ANY(%s)
              ORDER BY l.id, m.date, m.id
                """,
                self.env.company.id,
                sorted(won_ids | lost_ids),
            )
        )
        keys = ("lead_id", "source_id", "user_id", "activity_type_id")
        keys += ("activity_date", "tz")
        return [
            dict(zip(keys, row, strict=True), won=row[0] in won_ids)
            for row in self.env.cr.fetchall()
        ]
