# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Deals at risk and best time to contact, learnt from the pipeline's history.

Training learns the usual time per stage (stage tracking) and, from the first done
activity of won and lost leads, the weekday and hour band (salesperson's time zone)
whose first contacts were won most often, overall and per lead source
(``pyme_ai.sales.DealRiskModel``). Applying flags open opportunities and stores the
best time to contact on open leads and opportunities.

"Reply" is not recorded reliably in Odoo (emails can be answered by phone, replies
may land on another thread), so the outcome is the one Odoo always has: a first
contact is a success when the lead was later won. The first contact is the first
done activity (a chatter message with an activity type) of the lead.
"""

import json
from datetime import timedelta

import pytz

from odoo import fields, models
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice

from pyme_ai.sales import evaluate_deal_risk, usable_intervals

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
    }
    _ai_metrics = {
        "stage_periods": (_lt("Finished stage periods"), "higher"),
        "stages_learnt": (_lt("Stages with a usual time"), "higher"),
        "first_contacts": (_lt("First contacts"), "higher"),
        "contact_segments": (_lt("Best contact times found"), "higher"),
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
        contacts = []
        for row in Lead._ai_closed_leads():
            if row["activity_date"] is None:
                continue
            tz = pytz.timezone(row["tz"] or "UTC")
            local = pytz.utc.localize(row["activity_date"]).astimezone(tz)
            contacts.append((row["source_id"], local.replace(tzinfo=None), row["won"]))
        return {"intervals": intervals, "contacts": contacts}

    def _ai_fit(self, data):
        return evaluate_deal_risk(data)

    # ------------------------------------------------------------------ applying
    def _ai_apply_domain(self, ai_model):
        checked_before = min(fields.Datetime.now() - RECHECK_AFTER, ai_model.train_date)
        Lead = self.env["crm.lead"]
        due = expression.OR(
            [[("ai_risk_date", "=", False)], [("ai_risk_date", "<", checked_before)]]
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
        flags = {d["id"]: d for d in engine_model.predict(deals, now=now)}
        values = []
        for row in rows:
            flag = flags.get(row["id"])
            best = None
            if row["id"] not in won_ids:
                source_id = row["source_id"] and row["source_id"][0]
                best = engine_model.best_contact(source_id or None)
            values.append(
                (
                    row["id"],
                    bool(flag and flag["at_risk"]),
                    json.dumps(flag["reasons"]) if flag and flag["reasons"] else None,
                    json.dumps(best) if best else None,
                )
            )
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l
                   SET ai_at_risk = v.at_risk, ai_risk_reasons = v.reasons::jsonb,
                       ai_best_contact = v.best::jsonb, ai_risk_date = %s
                  FROM (VALUES %s) AS v(id, at_risk, reasons, best)
                 WHERE l.id = v.id
                """,
                now,
                SQL(", ").join(SQL("(%s, %s, %s, %s)", *row) for row in values),
            )
        )
        records.invalidate_recordset(
            ["ai_at_risk", "ai_risk_reasons", "ai_best_contact", "ai_risk_date"]
        )
