# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Sales KPIs as report facts: one row per lead (response time, win rate, sales
cycle, acted-on share of scored leads) and one row per lead and stage reached
(conversion by stage), so Odoo's pivot averages and sums give the KPIs by team,
salesperson, month or source.

The definitions are the engine's (``pyme_ai.sales.kpi``): a measure averaged by
the pivot over a set of leads equals the engine's rate for those leads (tests
check it), and a lead a KPI does not apply to stores NULL, which averages skip.
"""

from odoo import api, fields, models
from odoo.tools import SQL

_SELECTION_OUTCOME = [("open", "Open"), ("won", "Won"), ("lost", "Lost")]


class PymeAiCrmKpi(models.Model):
    _name = "pyme.ai.crm.kpi"
    _description = "AI CRM KPI"
    _order = "lead_date desc, id desc"
    _rec_name = "lead_id"

    company_id = fields.Many2one("res.company", required=True, index=True)
    lead_id = fields.Many2one("crm.lead", index=True, ondelete="cascade")
    lead_type = fields.Selection(
        [("lead", "Lead"), ("opportunity", "Opportunity")], string="Type"
    )
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    source_id = fields.Many2one("utm.source", string="Source")
    lead_date = fields.Datetime(string="Lead Created On")
    outcome = fields.Selection(_SELECTION_OUTCOME)
    lead_count = fields.Integer(string="Leads")
    responded = fields.Integer(
        string="Answered Leads",
        help="Leads with an activity done, a message sent or an activity scheduled "
        "by a user.",
    )
    response_hours = fields.Float(
        string="Response Time (hours)",
        aggregator="avg",
        digits=(16, 2),
        help="Hours from the creation of the lead to its first activity done, "
        "message sent or activity scheduled by a user. Leads without a response "
        "are not averaged.",
    )
    closed = fields.Integer(string="Closed Leads")
    won = fields.Integer(string="Won Leads")
    win_rate = fields.Float(
        string="Win Rate (%)",
        aggregator="avg",
        digits=(16, 1),
        help="Won leads out of won and lost leads. Open leads are not averaged.",
    )
    cycle_days = fields.Float(
        string="Sales Cycle (days)",
        aggregator="avg",
        digits=(16, 1),
        help="Days from the creation of a won lead to its closing.",
    )
    scored = fields.Integer(string="Leads with AI Score")
    acted = fields.Integer(
        string="Scored Leads Acted On",
        help="Scored leads with an activity or message by a user after their "
        "first AI score.",
    )
    acted_share = fields.Float(
        string="Acted On (%)",
        aggregator="avg",
        digits=(16, 1),
        help="Share of the leads with an AI score that a user acted on after the "
        "first score. Leads without a score are not averaged.",
    )
    date = fields.Datetime(string="Computed On")

    @api.model
    def _cron_compute(self):
        """Replace the KPI facts of every company (one company per call)."""
        companies = self.env["res.company"].sudo().search([], order="id")
        done = 0
        for company in companies:
            self.sudo().with_company(company)._compute_for_company()
            done += 1
            self.env["ir.cron"]._notify_progress(
                done=done, remaining=len(companies) - done
            )

    def _lead_facts(self):
        """Per lead of the current company: dimensions, first user response, first
        AI score and first user action after it (one SQL aggregate)."""
        Lead = self.env["crm.lead"]
        Lead.flush_model()
        self.env["mail.message"].flush_model()
        self.env["mail.activity"].flush_model()
        self.env["pyme.ai.lead.score"].flush_model()
        root = self.env.ref("base.partner_root", raise_if_not_found=False)
        won_ids, lost_ids = Lead._ai_outcomes()
        self.env.cr.execute(
            SQL(
                """
                WITH leads AS (
                    SELECT l.id, l.type, l.team_id, l.user_id, l.source_id,
                           l.create_date, l.date_closed,
                           LEAST(l.ai_score_date, s.first_score) AS first_score
                      FROM crm_lead l
                 LEFT JOIN (SELECT lead_id, MIN(date) AS first_score
                              FROM pyme_ai_lead_score GROUP BY lead_id) s
                        ON s.lead_id = l.id
                     WHERE l.company_id = %(company)s OR l.company_id IS NULL
                ),
                actions AS (
                    SELECT m.res_id AS lead_id, m.date
                      FROM mail_message m
                 LEFT JOIN mail_message_subtype st ON st.id = m.subtype_id
                     WHERE m.model = 'crm.lead'
                       AND m.res_id IN (SELECT id FROM leads)
                       AND m.author_id IS DISTINCT FROM %(root)s
                       AND EXISTS (SELECT 1 FROM res_users u
                                    WHERE u.partner_id = m.author_id AND NOT u.share)
                       AND (m.mail_activity_type_id IS NOT NULL
                            OR (m.message_type IN ('email', 'comment')
                                AND st.internal IS NOT TRUE))
                 UNION ALL
                    SELECT a.res_id, a.create_date
                      FROM mail_activity a
                      JOIN res_users u ON u.id = a.create_uid AND NOT u.share
                     WHERE a.res_model = 'crm.lead'
                       AND a.res_id IN (SELECT id FROM leads)
                       AND a.create_uid != %(superuser)s
                )
                SELECT l.id, l.type, l.team_id, l.user_id, l.source_id,
                       l.create_date, l.date_closed,
                       l.first_score, MIN(a.date),
                       MIN(a.date) FILTER (WHERE a.date >= l.first_score)
                  FROM leads l
             LEFT JOIN actions a ON a.lead_id = l.id
              GROUP BY l.id, l.type, l.team_id, l.user_id, l.source_id,
                       l.create_date, l.date_closed,
                       l.first_score
              ORDER BY l.id
                """,
                company=self.env.company.id,
                root=root.id if root else None,
                superuser=1,
            )
        )
        keys = (
            "lead_id",
            "type",
            "team_id",
            "user_id",
            "source_id",
            "created",
            "closed",
            "first_score",
            "first_response",
            "first_action_after_score",
        )
        return [
            dict(
                zip(keys, row, strict=True),
                won=row[0] in won_ids,
                lost=row[0] in lost_ids,
            )
            for row in self.env.cr.fetchall()
        ]

    @api.model
    def _kpi_values(self, fact):
        """Report values of one lead, with the engine's definitions: response
        hours clipped at 0 (``response_time``), won/lost only for closed leads
        (``win_rate``; won and lost as ``crm.lead._ai_won_domain`` and
        ``_ai_lost_domain`` say), cycle of won leads (``sales_cycle``), an action at
        or after the first score (``acted_on_share``). None = not applicable (NULL)."""
        outcome = "won" if fact["won"] else "lost" if fact["lost"] else "open"
        values = {
            "lead_id": fact["lead_id"],
            "lead_type": fact["type"],
            "team_id": fact["team_id"],
            "user_id": fact["user_id"],
            "source_id": fact["source_id"],
            "lead_date": fact["created"],
            "outcome": outcome,
            "lead_count": 1,
            "responded": int(fact["first_response"] is not None),
            "closed": int(outcome != "open"),
            "won": int(outcome == "won"),
            "scored": int(fact["first_score"] is not None),
            "acted": int(fact["first_action_after_score"] is not None),
            "response_hours": None,
            "win_rate": None,
            "cycle_days": None,
            "acted_share": None,
        }
        if fact["first_response"] is not None:
            gap = fact["first_response"] - fact["created"]
            values["response_hours"] = max(gap.total_seconds() / 3600.0, 0.0)
        if outcome != "open":
            values["win_rate"] = 100.0 if outcome == "won" else 0.0
        if outcome == "won" and fact["closed"] and fact["closed"] >= fact["created"]:
            values["cycle_days"] = (
                fact["closed"] - fact["created"]
            ).total_seconds() / 86400.0
        if fact["first_score"] is not None:
            values["acted_share"] = 100.0 if values["acted"] else 0.0
        return values

    @api.model
    def _compute_for_company(self):
        """Replace the current company's KPI and funnel facts."""
        company = self.env.company
        now = fields.Datetime.now()
        facts = self._lead_facts()
        values = []
        for fact in facts:
            row = self._kpi_values(fact)
            # a KPI that does not apply stays NULL (a missing key inserts NULL)
            row = {k: v for k, v in row.items() if v is not None}
            row.update(company_id=company.id, date=now)
            values.append(row)
        self.search([("company_id", "=", company.id)]).unlink()
        kpis = self.create(values)
        funnel = self.env["pyme.ai.crm.funnel"]._compute_for_company(facts, now)
        return kpis, funnel


class PymeAiCrmFunnel(models.Model):
    """One row per opportunity and stage it reached: summing ``reached`` by stage
    gives the funnel, averaging ``conversion`` the conversion to the next stage."""

    _name = "pyme.ai.crm.funnel"
    _description = "AI CRM Stage Funnel"
    _order = "stage_sequence, stage_id, id"
    _rec_name = "stage_id"

    company_id = fields.Many2one("res.company", required=True, index=True)
    lead_id = fields.Many2one("crm.lead", index=True, ondelete="cascade")
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    source_id = fields.Many2one("utm.source", string="Source")
    lead_date = fields.Datetime(string="Lead Created On")
    stage_id = fields.Many2one("crm.stage", string="Stage", index=True)
    stage_sequence = fields.Integer(string="Stage Order", aggregator=False)
    reached = fields.Integer(
        string="Leads Reached",
        help="Opportunities that got at least as far as this stage.",
    )
    conversion = fields.Float(
        string="Conversion to Next Stage (%)",
        aggregator="avg",
        digits=(16, 1),
        help="Share of the opportunities that reached this stage and went on to a "
        "later one (won opportunities reach the last stage).",
    )
    date = fields.Datetime(string="Computed On")

    @api.model
    def _furthest_stages(self, facts):
        """Stages reached by the opportunities in ``facts`` in pipeline order, won
        stages last, and {lead id: position of the furthest stage reached}, from
        the stage history. A won opportunity reaches the last stage, as the
        engine's ``stage_funnel`` expects."""
        opportunities = {f["lead_id"]: f for f in facts if f["type"] == "opportunity"}
        if not opportunities:
            return self.env["crm.stage"], {}
        intervals = self.env["crm.lead"]._ai_stage_intervals(list(opportunities))
        stages = (
            self.env["crm.stage"]
            .browse({row["stage_id"] for row in intervals if row["stage_id"]})
            .exists()
            .sorted(lambda s: (s.is_won, s.sequence, s.id))
        )
        pos = {stage.id: i for i, stage in enumerate(stages)}
        furthest = {}
        for row in intervals:
            position = pos.get(row["stage_id"])
            if position is not None:
                lead_id = row["lead_id"]
                furthest[lead_id] = max(furthest.get(lead_id, -1), position)
        last = len(stages) - 1
        for lead_id, fact in opportunities.items():
            if fact["won"] and lead_id in furthest:
                furthest[lead_id] = last
        return stages, furthest

    @api.model
    def _compute_for_company(self, facts, now):
        company = self.env.company
        stages, furthest = self._furthest_stages(facts)
        by_id = {f["lead_id"]: f for f in facts}
        last = len(stages) - 1
        values = []
        for lead_id, top in furthest.items():
            fact = by_id[lead_id]
            for position in range(top + 1):
                row = {
                    "company_id": company.id,
                    "lead_id": lead_id,
                    "team_id": fact["team_id"],
                    "user_id": fact["user_id"],
                    "source_id": fact["source_id"],
                    "lead_date": fact["created"],
                    "stage_id": stages[position].id,
                    "stage_sequence": position,
                    "reached": 1,
                    "date": now,
                }
                if position < last:
                    row["conversion"] = 100.0 if position < top else 0.0
                values.append(row)
        self.search([("company_id", "=", company.id)]).unlink()
        return self.create(values)
