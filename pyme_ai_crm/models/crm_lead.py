# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from collections import defaultdict

from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.misc import formatLang
from odoo.tools.sql import create_index

from odoo.addons.pyme_ai_base.tools import notify, sql_array

from pyme_ai import leads as engine

from .pyme_ai_lead_scoring import FEATURES, RESCORE_STRIPES

#: tiers and score trends of pyme_ai.leads, as Selections
TIERS = [(tier, tier.capitalize()) for tier in engine.TIERS]
TRENDS = [(trend, trend.capitalize()) for trend in engine.TRENDS]


class CrmLead(models.Model):
    _inherit = "crm.lead"

    ai_score = fields.Integer(
        string="AI Score",
        readonly=True,
        copy=False,
        aggregator="avg",
        help="Learnt chance of winning this lead, from 1 to 100.",
    )
    # double precision, as Odoo's probability (no numeric cast on every write)
    ai_probability = fields.Float(string="AI Probability", readonly=True, copy=False)
    # The scoring columns are not indexed: the scoring UPDATE then leaves every
    # crm_lead index alone and PostgreSQL can update the rows in place (HOT).
    ai_tier = fields.Selection(TIERS, string="AI Tier", readonly=True, copy=False)
    ai_reasons = fields.Json(string="AI Reasons Data", compute="_compute_ai_reasons")
    ai_reasons_html = fields.Html(
        string="AI Reasons", compute="_compute_ai_reasons_html", sanitize=False
    )
    ai_score_notice = fields.Char(
        string="AI Notice", compute="_compute_ai_score_notice"
    )
    ai_probability_note = fields.Char(
        string="AI Probability Note", compute="_compute_ai_probability_note"
    )
    ai_score_date = fields.Datetime(string="AI Scored On", readonly=True, copy=False)
    ai_score_previous = fields.Integer(
        string="AI Previous Score", readonly=True, copy=False
    )
    # id of the pyme.ai.model that gave the score (no foreign key: not checked on
    # every scoring write)
    ai_score_model = fields.Integer(string="AI Score Model", readonly=True, copy=False)
    ai_score_trend = fields.Selection(
        TRENDS, string="AI Score Trend", readonly=True, copy=False
    )
    # Set in the same UPDATE as the edit that outdates the score (no extra query);
    # found by the partial index of ``init`` holding only the flagged rows.
    ai_needs_scoring = fields.Boolean(
        string="AI Score Outdated", default=True, readonly=True, copy=False
    )
    ai_score_history_ids = fields.One2many(
        "pyme.ai.lead.score", "lead_id", string="AI Score History", readonly=True
    )

    def init(self):
        res = super().init()
        cr, table = self.env.cr, self._table
        create_index(
            cr,
            f"{table}_ai_needs_scoring_partial_index",
            table,
            ["id"],
            where="ai_needs_scoring",
        )
        # the walk of a full rescoring, stripe by stripe (id never changes: HOT kept)
        stripe = [f"mod(id, {RESCORE_STRIPES})", "id"]
        create_index(cr, f"{table}_ai_rescore_stripe_index", table, stripe)
        return res

    # ------------------------------------------------------------ vocabulary
    # Odoo's semantics (crm.lead.action_set_won / action_set_lost): a won lead has
    # probability 100 and stays active; a lost lead is archived with probability 0.
    @api.model
    def _ai_won_domain(self):
        return [("active", "=", True), ("probability", "=", 100)]

    @api.model
    def _ai_lost_domain(self):
        return [("active", "=", False), ("probability", "=", 0)]

    @api.model
    def _ai_closed_domain(self):
        """Won or lost; search it with ``active_test=False``."""
        return expression.OR([self._ai_won_domain(), self._ai_lost_domain()])

    # The same vocabulary as SQL conditions on the crm_lead row aliased ``alias``
    # (set-based reads of the scoring job); keep them in step with the domains.
    @api.model
    def _ai_won_sql(self, alias):
        return self._ai_state_sql("(%s AND %s = 100)", alias)

    @api.model
    def _ai_lost_sql(self, alias):
        return self._ai_state_sql("(NOT %s AND %s = 0)", alias)

    @api.model
    def _ai_open_sql(self, alias):
        """Active and not won: the leads the scoring job scores."""
        return self._ai_state_sql("(%s AND %s IS DISTINCT FROM 100)", alias)

    @api.model
    def _ai_state_sql(self, condition, alias):
        """``condition`` on the active flag and the probability of ``alias``."""
        active, probability = (
            SQL.identifier(alias, f) for f in ("active", "probability")
        )
        return SQL(condition, active, probability)

    @api.model
    def _ai_stage_intervals(self, lead_ids=None):
        """Stage intervals of leads, from stage tracking and the creation date.

        For ``lead_ids`` or else every lead (archived included) of the current
        company, a list of ``{"lead_id", "stage_id", "entered", "left"}`` in lead and
        time order. ``left`` is None while the lead is still in the stage; a lost
        lead's last interval ends when it was lost (``date_closed``).
        Tests build tracked histories as in pyme_ai_crm_pipeline's
        ``tests/test_stage_intervals.py`` (``mail_notrack=False``, ``cr.flush()``
        after create and after each move).
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
            where = SQL("l.id = ANY(%s)", sql_array(lead_ids))
        self.env.cr.execute(
            SQL(
                "SELECT l.id, l.create_date, l.stage_id, l.active, l.date_closed"
                " FROM crm_lead l WHERE %s ORDER BY l.id",
                where,
            )
        )
        leads = self.env.cr.fetchall()
        changes = defaultdict(list)
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        self.env.cr.execute(
            SQL(
                """
                SELECT m.res_id, t.new_value_integer, m.date, t.old_value_integer
                  FROM mail_tracking_value t
                  JOIN mail_message m ON m.id = t.mail_message_id
                 WHERE t.field_id = %s AND m.model = 'crm.lead' AND m.res_id = ANY(%s)
              ORDER BY m.res_id, m.date, m.id
                """,
                field.id,
                sql_array(row[0] for row in leads),
            )
        )
        for res_id, *move in self.env.cr.fetchall():
            changes[res_id].append(move)
        intervals = []
        keys = ("lead_id", "stage_id", "entered", "left")
        for lead_id, created, stage_id, active, closed in leads:
            moves = changes.get(lead_id, [])
            stage, entered = (moves[0][2] if moves else stage_id), created
            for new_id, date, __ in moves:
                left = max(date, entered)
                intervals.append(
                    dict(zip(keys, (lead_id, stage, entered, left), strict=True))
                )
                stage, entered = new_id, left
            left = max(closed, entered) if not active and closed else None
            intervals.append(
                dict(zip(keys, (lead_id, stage, entered, left), strict=True))
            )
        return intervals

    @api.model
    def _ai_scored_fields(self):
        """Editable fields the score is read from: writing one asks for a new score."""
        return {
            name
            for feature in FEATURES
            for name in feature.fields
            if not self._fields[name].readonly
        }

    # ------------------------------------------------------------ display
    @api.depends("ai_score_date")
    def _compute_ai_reasons(self):
        """Why the score, for the leads read (not stored: the scoring writes only
        numbers): the active model's exact breakdown of the score, the lead seen
        when it was scored (its age, time in stage and messages then)."""
        self.ai_reasons = False
        scoring = self.env["pyme.ai.lead.scoring"].sudo()
        scored = self.filtered(lambda lead: lead.ai_score_date and lead._origin.id)
        companies = scored.grouped(lambda lead: lead.company_id or self.env.company)
        for company, leads in companies.items():
            reasons = scoring.with_company(company)._ai_reasons(leads._origin)
            for lead in leads:
                lead.ai_reasons = reasons.get(lead._origin.id, False)

    @api.depends("ai_reasons")
    @api.depends_context("lang")
    def _compute_ai_reasons_html(self):
        """At most three reasons up and three down, strongest first, each with its
        strength (▲▲▲ to ▲) from the model's contribution; a missing value is no
        reason, an absent tag reads as such."""
        scoring = self.env["pyme.ai.lead.scoring"]
        labels = scoring._ai_feature_labels()
        names = {}
        for lead in self:
            reasons = lead.ai_reasons or {}
            items = Markup("")
            for direction, css, arrow in (
                ("up", "text-success", "▲"),
                ("down", "text-danger", "▼"),
            ):
                shown = 0
                for reason in reasons.get(direction, []):
                    text = lead._ai_reason_text(reason, labels, names)
                    if not text or shown == 3:
                        continue
                    shown += 1
                    strength = abs(reason.get("contribution") or 0.0)
                    bars = arrow * (
                        3 if strength >= 1.0 else 2 if strength >= 0.4 else 1
                    )
                    items += Markup(
                        "<li><span class='%s fw-bold me-1' title='%s'>%s</span>%s</li>"
                    ) % (css, formatLang(self.env, strength, digits=2), bars, text)
            lead.ai_reasons_html = (
                Markup("<ul class='list-unstyled mb-0'>%s</ul>") % items
                if items
                else False
            )

    @api.depends(
        "ai_probability", "ai_score_date", "probability", "is_automated_probability"
    )
    @api.depends_context("lang")
    def _compute_ai_probability_note(self):
        """The AI probability next to Odoo's, in one line."""
        _ = self.env._
        for lead in self:
            if not lead.ai_score_date:
                lead.ai_probability_note = False
                continue
            values = {
                "ai": formatLang(self.env, 100 * lead.ai_probability, digits=0),
                "odoo": formatLang(self.env, lead.probability, digits=0),
            }
            lead.ai_probability_note = (
                _(
                    "AI: %(ai)s%% from how leads like this one ended in your company; "
                    "Odoo: %(odoo)s%% from its native scoring.",
                    **values,
                )
                if lead.is_automated_probability
                else _(
                    "AI: %(ai)s%% from how leads like this one ended in your company; "
                    "Odoo: %(odoo)s%%, set by hand.",
                    **values,
                )
            )

    @api.depends("company_id")
    @api.depends_context("company", "lang")
    def _compute_ai_score_notice(self):
        """Why leads have no score yet (too little history...), on the lead."""
        scoring = self.env["pyme.ai.lead.scoring"]
        notices = {}
        for lead in self:
            company = lead.company_id or self.env.company
            if company not in notices:
                notices[company] = scoring._ai_notice(company)
            lead.ai_score_notice = notices[company]

    def _ai_reason_text(self, reason, labels, names):
        """``Label = value`` in the reader's language (False: no reason to show)."""
        column, value = reason.get("column"), reason.get("value")
        if value is None:
            return False
        scoring = self.env["pyme.ai.lead.scoring"]
        if column.startswith("tag_"):
            tag = scoring._ai_record_name("crm.tag", column[4:], names)
            if value == "no":
                return self.env._("Without the tag “%(tag)s”", tag=tag)
            return self.env._("Tagged “%(tag)s”", tag=tag)
        currency = (self.company_id or self.env.company).currency_id
        value = scoring._ai_render_value(column, value, names, currency)
        return f"{labels.get(column, column)} = {value}"

    def write(self, vals):
        if "ai_needs_scoring" not in vals and self._ai_scored_fields().intersection(
            vals
        ):
            vals = dict(vals, ai_needs_scoring=True)
        return super().write(vals)

    def action_ai_score_now(self):
        """Score these leads with the active model (no training): right away up to
        one batch, queued for the scoring job beyond it."""
        self.check_access("read")
        scoring = self.env["pyme.ai.lead.scoring"]
        if len(self) > scoring._ai_apply_batch_size:
            self.flush_recordset(["ai_needs_scoring"])
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET ai_needs_scoring = TRUE "
                    "WHERE id = ANY(%s) AND %s",
                    self.ids,
                    self._ai_open_sql("crm_lead"),
                )
            )
            self.invalidate_recordset(["ai_needs_scoring"])
            scoring._ai_trigger_apply()
            return notify(
                self.env,
                self.env._(
                    "%(count)s leads are queued for scoring; their scores will be "
                    "updated in the next minutes.",
                    count=formatLang(self.env, len(self), digits=0),
                ),
            )
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
                    scoring._ai_notice(company)
                    or self.env._("The lead scoring model cannot be read.")
                )
            scoring.with_company(company).sudo()._ai_apply_batch(
                leads.sudo(), engine_model, ai_model, trigger="manual"
            )
        return True
