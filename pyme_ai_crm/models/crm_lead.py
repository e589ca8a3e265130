# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

TIERS = [("hot", "Hot"), ("warm", "Warm"), ("cold", "Cold")]
# A score moving by at least this many points is rising or falling.
TREND_DELTA = 5
# Writing any of these fields makes the lead due for a new score.
SCORED_FIELDS = {
    "source_id",
    "medium_id",
    "campaign_id",
    "country_id",
    "state_id",
    "tag_ids",
    "team_id",
    "user_id",
    "expected_revenue",
    "email_from",
    "phone",
    "mobile",
    "lang_id",
    "stage_id",
    "partner_id",
    "type",
}


class CrmLead(models.Model):
    _name = "crm.lead"
    _inherit = ["crm.lead", "pyme.ai.whatsapp.mixin"]

    ai_score = fields.Integer(
        string="AI Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Learnt chance of winning this lead, from 1 to 100.",
    )
    ai_probability = fields.Float(
        string="AI Probability", digits=(16, 4), readonly=True, copy=False
    )
    ai_tier = fields.Selection(
        TIERS, string="AI Tier", readonly=True, copy=False, index=True
    )
    ai_reasons = fields.Json(string="AI Reasons Data", readonly=True, copy=False)
    ai_reasons_html = fields.Html(
        string="AI Reasons", compute="_compute_ai_reasons_html", sanitize=False
    )
    ai_score_date = fields.Datetime(string="AI Scored On", readonly=True, copy=False)
    ai_score_previous = fields.Integer(
        string="AI Previous Score", readonly=True, copy=False
    )
    ai_score_trend = fields.Selection(
        [("rising", "Rising"), ("falling", "Falling"), ("stable", "Stable")],
        string="AI Score Trend",
        readonly=True,
        copy=False,
    )
    ai_needs_scoring = fields.Boolean(
        string="AI Score Outdated", default=True, readonly=True, copy=False, index=True
    )
    ai_score_history_ids = fields.One2many(
        "pyme.ai.lead.score", "lead_id", string="AI Score History", readonly=True
    )

    ai_at_risk = fields.Boolean(
        string="AI At Risk",
        readonly=True,
        copy=False,
        index=True,
        help="Open opportunity stuck in its stage longer than usual, with a falling "
        "score, or without a next activity.",
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

    @api.depends("ai_reasons")
    def _compute_ai_reasons_html(self):
        labels = self.env["pyme.ai.lead.scoring"]._ai_feature_labels()
        words = {None: "—", "yes": self.env._("Yes"), "no": self.env._("No")}
        for lead in self:
            reasons = lead.ai_reasons or {}
            items = Markup("")
            for direction, css in (("up", "text-success"), ("down", "text-danger")):
                for reason in reasons.get(direction, []):
                    label = labels.get(reason.get("column"), reason.get("column"))
                    items += Markup(
                        "<li><span class='%s fw-bold'>%s</span> %s = %s</li>"
                    ) % (
                        css,
                        "▲" if direction == "up" else "▼",
                        label,
                        words.get(reason.get("value"), reason.get("value")),
                    )
            lead.ai_reasons_html = (
                Markup("<ul class='list-unstyled mb-0'>%s</ul>") % items
                if items
                else False
            )

    @api.model
    def _ai_stage_intervals(self, lead_ids=None):
        """Stage intervals of leads, from stage tracking and the creation date.

        For ``lead_ids`` or else every lead (archived included) of the current
        company, a list of ``{"lead_id", "stage_id", "entered", "left"}`` in lead and
        time order. ``left`` is None while the lead is still in the stage; a lost
        lead's last interval ends when it was lost (``date_closed``).
        Tests build tracked histories as in ``tests/test_stage_intervals.py``
        (``mail_notrack=False``, ``cr.flush()`` after create and after each move).
        """
        self.env["crm.lead"].flush_model(
            ["stage_id", "create_date", "date_closed", "active", "company_id"]
        )
        self.env["mail.tracking.value"].flush_model()
        self.env["mail.message"].flush_model(["model", "res_id", "date"])
        if lead_ids is None:
            where = SQL(
                "(l.company_id = %s OR l.company_id IS NULL)", self.env.company.id
            )
        else:
            where = SQL("l.id = ANY(%s)", list(lead_ids))
        self.env.cr.execute(
            SQL(
                "SELECT l.id, l.create_date, l.stage_id, l.active, l.date_closed"
                " FROM crm_lead l WHERE %s ORDER BY l.id",
                where,
            )
        )
        leads = self.env.cr.fetchall()
        changes = defaultdict(list)
        if leads:
            field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
            self.env.cr.execute(
                SQL(
                    """
                    SELECT m.res_id, t.old_value_integer, t.new_value_integer, m.date
                      FROM mail_tracking_value t
                      JOIN mail_message m ON m.id = t.mail_message_id
                     WHERE t.field_id = %s AND m.model = 'crm.lead'
                       AND m.res_id = ANY(%s)
                  ORDER BY m.res_id, m.date, m.id
                    """,
                    field.id,
                    [row[0] for row in leads],
                )
            )
            for res_id, old_id, new_id, date in self.env.cr.fetchall():
                changes[res_id].append((old_id, new_id, date))
        intervals = []
        for lead_id, created, stage_id, active, closed in leads:
            moves = changes.get(lead_id, [])
            current = {
                "lead_id": lead_id,
                "stage_id": moves[0][0] if moves else stage_id,
                "entered": created,
                "left": None,
            }
            intervals.append(current)
            for _old_id, new_id, date in moves:
                current["left"] = max(date, current["entered"])
                current = {
                    "lead_id": lead_id,
                    "stage_id": new_id,
                    "entered": current["left"],
                    "left": None,
                }
                intervals.append(current)
            if not active and closed:
                current["left"] = max(closed, current["entered"])
        return intervals

    def _ai_whatsapp_target(self):
        country = (
            self.country_id
            or self.partner_id.country_id
            or self.company_id.country_id
            or self.env.company.country_id
        )
        return (
            self.mobile or self.phone,
            country.code or None,
            self.contact_name or self.partner_id.name or self.partner_name,
            self.lang_code or self.partner_id.lang,
        )

    @api.model
    def _ai_closed_leads(self):
        """Won and lost leads of the current company with their first done activity.

        A list of dicts ``{"lead_id", "source_id", "user_id", "won",
        "activity_type_id", "activity_date", "tz"}`` (activity fields None when the
        lead has no done activity; ``tz`` is the salesperson's, else the company's).
        """
        self.env["crm.lead"].flush_model()
        self.env["mail.message"].flush_model(
            ["model", "res_id", "date", "mail_activity_type_id"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT DISTINCT ON (l.id) l.id, l.source_id, l.user_id,
                       l.active AND l.probability = 100,
                       m.mail_activity_type_id, m.date, COALESCE(p.tz, cp.tz)
                  FROM crm_lead l
                  JOIN res_company c ON c.id = %s
             LEFT JOIN res_partner cp ON cp.id = c.partner_id
             LEFT JOIN res_users u ON u.id = l.user_id
             LEFT JOIN res_partner p ON p.id = u.partner_id
             LEFT JOIN mail_message m ON m.model = 'crm.lead' AND m.res_id = l.id
                                     AND m.mail_activity_type_id IS NOT NULL
                 WHERE (l.company_id = c.id OR l.company_id IS NULL)
                   AND ((l.active AND l.probability = 100)
                        OR (NOT l.active AND l.probability = 0))
              ORDER BY l.id, m.date, m.id
                """,
                self.env.company.id,
            )
        )
        keys = (
            "lead_id",
            "source_id",
            "user_id",
            "won",
            "activity_type_id",
            "activity_date",
            "tz",
        )
        return [dict(zip(keys, row, strict=True)) for row in self.env.cr.fetchall()]

    @api.depends("ai_risk_reasons")
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
            for reason in lead.ai_risk_reasons or []:
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
                elif code == "activity_overdue":
                    lines.append(
                        _(
                            "The next activity is %(days)s days overdue.",
                            days=reason["days_overdue"],
                        )
                    )
            lead.ai_risk_reasons_text = "\n".join(lines) or False

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
        if SCORED_FIELDS.intersection(vals) and "ai_needs_scoring" not in vals:
            vals = dict(vals, ai_needs_scoring=True)
        if vals.get("active") is False or vals.get("probability") == 100:
            vals = dict(vals, ai_at_risk=False)  # closed deals are no longer at risk
        return super().write(vals)

    def action_ai_score_now(self):
        """Score these leads right away with the active model (no training)."""
        self.check_access("read")
        scoring = self.env["pyme.ai.lead.scoring"]
        for company in self.company_id or self.env.company:
            leads = self.filtered(
                lambda lead, c=company: lead.company_id == c or not lead.company_id
            )
            ai_model = (
                self.env["pyme.ai.model"].sudo()._get_active(scoring._ai_kind, company)
            )
            engine_model = ai_model._load_engine_model() if ai_model else None
            if engine_model is None:
                raise UserError(
                    self.env._(
                        "There is no usable lead scoring model yet: it is trained "
                        "automatically once there are enough won and lost leads."
                    )
                )
            scoring.with_company(company).sudo()._ai_apply_batch(
                leads.sudo(), engine_model, ai_model, trigger="manual"
            )
        return True
