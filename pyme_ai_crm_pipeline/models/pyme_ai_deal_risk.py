# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deals at risk and best time to contact, learnt from the pipeline's history.

Training learns the usual time per stage (stage tracking), which signals preceded a
loss (``pyme_ai.sales.DealRiskModel``: each closed opportunity seen once, at a fixed
moment of its open life, with what was known then) and, from the first done
activity of won and lost leads, the weekday and hour band (salesperson's time zone)
whose first contacts were won most often, overall and per lead source. Applying
gives open opportunities their loss risk, flags the few clearly above the usual
(at most a share of the company's open opportunities, highest risk first) and stores
the best time to contact on open leads and opportunities.

What the history says at a moment: the stage and since when (tracking), the last
two scores (``pyme.ai.lead.score``, by the same model) and the activity planned.
Odoo deletes a deal's planned activities when it is lost and keeps done activities
only when their type says so (*Keep Done*); so the planned activity at a moment is
known only when the company keeps done activities (archived ``mail.activity`` rows
with their creation, deadline and done date), and only those count, for won deals
too. Any planned activity of an open deal counts, whoever created it (a follow-up
rule, say); one created after the deal was checked gets it checked again.

"Reply" is not recorded reliably in Odoo (emails can be answered by phone, replies
may land on another thread), so the outcome of a first contact is the one Odoo
always has: a success when the lead was later won. The first contact is the first
done activity (a chatter message with an activity type) of the lead.
"""

import json
from collections import defaultdict
from datetime import timedelta

import pytz

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice

from pyme_ai.sales import evaluate_deal_risk, history_moments, usable_intervals

_lt = LazyTranslate(__name__)

# An opportunity is checked again after this long (and after each training).
RECHECK_AFTER = timedelta(hours=20)


class PymeAiDealRisk(models.AbstractModel):
    _name = "pyme.ai.deal.risk"
    _inherit = "pyme.ai.capability"
    _description = "AI Deals at Risk"

    _ai_kind = "deal_risk"
    _ai_kind_label = _lt("Deals at risk and contact times")
    _ai_train_cron_xmlid = "pyme_ai_crm_pipeline.ir_cron_train_deal_risk"
    _ai_apply_cron_xmlid = "pyme_ai_crm_pipeline.ir_cron_flag_deals_at_risk"
    _ai_apply_mode = "batch"
    _ai_target_model = "crm.lead"
    _ai_apply_batch_size = 5000
    # Descriptive statistics of the latest history: nothing to protect.
    _ai_protect_active = False
    _ai_notices = {
        "few_stage_periods": _lt(
            "The AI needs %(min)s finished stage periods (opportunities moved from "
            "one stage to the next) to learn from; there are %(n)s."
        ),
        "few_closed_deals": _lt(
            "The AI needs %(min)s won and %(min)s lost opportunities to learn which "
            "signals come before a loss; there are %(won)s and %(lost)s."
        ),
    }
    # counts and shares that describe the data have no better or worse
    _ai_metrics = {
        "lift": (_lt("Loss rate of flagged deals vs the rest (ratio)"), "higher"),
        "loss_rate_flagged": (_lt("Loss rate of past deals flagged"), "higher"),
        "loss_rate_rest": (_lt("Loss rate of past deals not flagged"), "lower"),
        "flag_share": (_lt("Share of past deals flagged"), None),
        "flagged_deals": (_lt("Past deals flagged"), None),
        "other_deals": (_lt("Past deals not flagged"), None),
        "closed_deals": (_lt("Closed opportunities learnt from"), None),
        "base_loss_rate": (_lt("Usual loss rate"), None),
        "signals_used": (_lt("Signals that come before a loss"), None),
        "stage_periods": (_lt("Finished stage periods"), None),
        "stages_learnt": (_lt("Stages with a usual time"), None),
        "first_contacts": (_lt("First contacts"), None),
        "contact_segments": (_lt("Best contact times found"), None),
    }

    # ------------------------------------------------------------------ training
    def _ai_training_data(self):
        Lead = self.env["crm.lead"]
        intervals = [
            (r["lead_id"], r["stage_id"], r["entered"], r["left"])
            for r in Lead._ai_stage_intervals()
        ]
        finished = sum(1 for r in usable_intervals(intervals) if r[3] is not None)
        minimum = self._ai_min_samples()
        if finished < minimum:
            raise AiNotice(self, "few_stage_periods", n=finished, min=minimum)
        closed = self._ai_closed_deals(intervals)
        won = sum(1 for row in closed if not row["lost"])
        if min(won, len(closed) - won) < minimum:
            raise AiNotice(
                self, "few_closed_deals", won=won, lost=len(closed) - won, min=minimum
            )
        contacts = []
        for row in Lead._ai_closed_leads():
            if row["activity_date"] is None:
                continue
            tz = pytz.timezone(row["tz"] or "UTC")
            local = pytz.utc.localize(row["activity_date"]).astimezone(tz)
            contacts.append((row["source_id"], local.replace(tzinfo=None), row["won"]))
        return {"intervals": intervals, "contacts": contacts, "closed": closed}

    def _ai_closed_deals(self, intervals):
        """Won and lost opportunities at their moment, with what was known then."""
        Lead = self.env["crm.lead"]
        Lead.flush_model()
        self.env.cr.execute(
            SQL(
                "SELECT l.id, %s, l.create_date, l.date_closed FROM crm_lead l"
                " WHERE l.type = 'opportunity' AND (%s OR %s) AND %s",
                Lead._ai_lost_sql("l"),
                Lead._ai_won_sql("l"),
                Lead._ai_lost_sql("l"),
                SQL("(l.company_id = %s OR l.company_id IS NULL)", self.env.company.id),
            )
        )
        deals = {row[0]: row for row in self.env.cr.fetchall()}
        won_stages = set(self.env["crm.stage"].search([("is_won", "=", True)]).ids)
        last = {row[0]: row for row in intervals if row[0] in deals}  # time order
        ends = {}
        for lead_id, lost, created, closed in deals.values():
            row = last.get(lead_id)
            if not lost and row and row[3] is None and row[1] in won_stages:
                closed = row[2]  # won when it entered the won stage
            ends[lead_id] = (lead_id, created, closed)
        moments = history_moments(ends.values())
        scores, activities = self._ai_known_at(moments)
        rows = []
        for lead_id, moment in moments.items():
            row = {"id": lead_id, "lost": deals[lead_id][1], "moment": moment}
            row.update(scores.get(lead_id, {}))
            if activities is not None:
                deadline = activities.get(lead_id)
                row["has_next_activity"] = deadline is not None
                row["next_activity_date"] = deadline
            rows.append(row)
        return rows

    def _ai_known_at(self, moments):
        """({lead: {"score", "previous_score"}}, {lead: first deadline of the
        activities planned then} or None when done activities are not kept), at
        each lead's moment ({lead id: datetime})."""
        self.env["pyme.ai.lead.score"].flush_model()
        self.env["mail.activity"].flush_model()
        values = SQL(
            "unnest(%s::int[], %s::timestamp[]) AS v(lead, t)",
            list(moments),
            list(moments.values()),
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT v.lead, s.score, s.model_id
                  FROM %s CROSS JOIN LATERAL (
                       SELECT score, model_id, date, id FROM pyme_ai_lead_score
                        WHERE lead_id = v.lead AND date <= v.t
                     ORDER BY date DESC, id DESC LIMIT 2) s
              ORDER BY v.lead, s.date DESC, s.id DESC
                """,
                values,
            )
        )
        history = defaultdict(list)
        for lead_id, score, model_id in self.env.cr.fetchall():
            history[lead_id].append((score, model_id))
        scores = {
            lead_id: {"score": rows[0][0], "previous_score": rows[1][0]}
            for lead_id, rows in history.items()
            if len(rows) == 2 and rows[0][1] == rows[1][1] and rows[0][0] and rows[1][0]
        }
        self.env.cr.execute(
            SQL(
                "SELECT 1 FROM mail_activity WHERE res_model = 'crm.lead'"
                " AND NOT active AND res_id = ANY(%s) LIMIT 1",
                list(moments),
            )
        )
        if not self.env.cr.fetchone():
            return scores, None
        self.env.cr.execute(
            SQL(
                """
                SELECT v.lead, MIN(a.date_deadline) FROM %s
                  JOIN mail_activity a ON a.res_model = 'crm.lead'
                   AND a.res_id = v.lead AND NOT a.active
                   AND a.create_date <= v.t AND a.date_done >= v.t::date
              GROUP BY v.lead
                """,
                values,
            )
        )
        return scores, dict(self.env.cr.fetchall())

    def _ai_fit(self, data):
        return evaluate_deal_risk(data)

    # ------------------------------------------------------------------ applying
    def _ai_apply_domain(self, ai_model):
        checked_before = min(fields.Datetime.now() - RECHECK_AFTER, ai_model.train_date)
        Lead = self.env["crm.lead"]
        due = expression.OR(
            [
                [("ai_risk_date", "=", False)],
                [("ai_risk_date", "<", checked_before)],
                [("id", "in", self._ai_activity_changed(ai_model.company_id))],
            ]
        )
        return expression.AND(
            [
                [("company_id", "in", (ai_model.company_id.id, False))],
                expression.OR(
                    [
                        expression.AND([Lead._ai_open_domain(), due]),
                        expression.AND(
                            [[("ai_at_risk", "=", True)], Lead._ai_won_domain()]
                        ),
                    ]
                ),
            ]
        )

    def _ai_activity_changed(self, company):
        """Open opportunities with an activity planned or done since their check."""
        self.env["crm.lead"].flush_model(["ai_risk_date"])
        self.env["mail.activity"].flush_model(["res_model", "res_id"])
        self.env["mail.message"].flush_model(["model", "res_id", "date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id FROM crm_lead l
                 WHERE l.type = 'opportunity' AND l.active
                   AND l.ai_risk_date IS NOT NULL
                   AND (l.company_id = %s OR l.company_id IS NULL)
                   AND (EXISTS (SELECT 1 FROM mail_activity a
                                 WHERE a.res_model = 'crm.lead' AND a.res_id = l.id
                                   AND a.create_date > l.ai_risk_date)
                        OR EXISTS (SELECT 1 FROM mail_message m
                                    WHERE m.model = 'crm.lead' AND m.res_id = l.id
                                      AND m.mail_activity_type_id IS NOT NULL
                                      AND m.date > l.ai_risk_date))
                """,
                company.id,
            )
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _ai_apply(self, records, engine_model, ai_model):
        now = fields.Datetime.now()
        won_ids = set(records.filtered_domain(records._ai_won_domain()).ids)
        rows = records.read(
            [
                "type",
                "stage_id",
                "source_id",
                "ai_score",
                "ai_score_previous",
                "date_last_stage_update",
            ]
        )
        entered = {
            r["lead_id"]: (r["stage_id"], r["entered"])
            for r in self.env["crm.lead"]._ai_stage_intervals(records.ids)
        }
        # every planned activity counts, whoever created it (a follow-up rule...)
        next_dates = dict(
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [("res_model", "=", "crm.lead"), ("res_id", "in", records.ids)],
                ["res_id"],
                ["date_deadline:min"],
            )
        )
        deals = []
        for row in rows:
            if row["id"] in won_ids or row["type"] != "opportunity":
                continue  # leads only get the best time to contact
            stage_id = row["stage_id"] and row["stage_id"][0]
            stage, since = entered.get(row["id"], (None, None))
            if stage != stage_id or since is None:
                since = row["date_last_stage_update"]
            deal = {
                "id": row["id"],
                "stage": stage_id,
                "stage_entered": since,
                "has_next_activity": row["id"] in next_dates,
                "next_activity_date": next_dates.get(row["id"]),
            }
            if row["ai_score"] and row["ai_score_previous"]:
                deal["score"] = row["ai_score"]
                deal["previous_score"] = row["ai_score_previous"]
            deals.append(deal)
        # eligible deals here; the share cap is taken over the whole company below
        flags = {d["id"]: d for d in engine_model.predict(deals, now=now, cap=False)}
        values = []
        for row in rows:
            flag = flags.get(row["id"], {})
            best = None
            if row["id"] not in won_ids:
                source_id = row["source_id"] and row["source_id"][0]
                best = engine_model.best_contact(source_id or None)
            values.append(
                (
                    row["id"],
                    bool(flag.get("at_risk")),
                    flag.get("risk"),
                    json.dumps(flag["reasons"]) if flag.get("reasons") else None,
                    json.dumps(best) if best else None,
                )
            )
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l
                   SET ai_at_risk = v.at_risk, ai_risk = v.risk,
                       ai_risk_reasons = v.reasons::jsonb,
                       ai_best_contact = v.best::jsonb, ai_risk_date = %s
                  FROM (VALUES %s) AS v(id, at_risk, risk, reasons, best)
                 WHERE l.id = v.id
                """,
                now,
                SQL(", ").join(
                    SQL("(%s, %s, %s::float8, %s, %s)", *row) for row in values
                ),
            )
        )
        self._ai_cap_flags(ai_model.company_id, engine_model.max_share)
        records.invalidate_recordset(
            ["ai_risk", "ai_risk_reasons", "ai_best_contact", "ai_risk_date"]
        )

    def _ai_cap_flags(self, company, max_share):
        """At most ``max_share`` of the company's open opportunities stay flagged:
        the eligible ones (with reasons) of highest risk, ties by the longest time
        in the stage."""
        Lead = self.env["crm.lead"]
        self.env.cr.execute(
            SQL(
                """
                WITH ranked AS (
                    SELECT id, ai_risk_reasons IS NOT NULL AS eligible,
                           row_number() OVER (
                               ORDER BY ai_risk_reasons IS NOT NULL DESC,
                                        ai_risk DESC NULLS LAST,
                                        date_last_stage_update, id) AS rank,
                           count(*) OVER () AS n
                      FROM crm_lead l
                     WHERE l.type = 'opportunity' AND %s
                       AND (l.company_id = %s OR l.company_id IS NULL))
                UPDATE crm_lead l
                   SET ai_at_risk = r.eligible
                                    AND r.rank <= GREATEST(1, floor(%s * r.n))
                  FROM ranked r
                 WHERE l.id = r.id AND l.ai_at_risk IS DISTINCT FROM
                       (r.eligible AND r.rank <= GREATEST(1, floor(%s * r.n)))
                """,
                Lead._ai_open_sql("l"),
                company.id,
                max_share,
                max_share,
            )
        )
        Lead.invalidate_model(["ai_at_risk"])
