# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring: crm.lead features read in batches, fed to pyme_ai.leads."""

import json
from collections import defaultdict
from datetime import datetime

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from pyme_ai import leads as engine

from .crm_lead import TREND_DELTA

_lt = LazyTranslate(__name__)

HOT_PARAM = "pyme_ai_crm.hot_threshold"
WARM_PARAM = "pyme_ai_crm.warm_threshold"
# Most recent closed leads used for training.
MAX_TRAINING_LEADS = 200000
# Most frequent tags turned into yes/no features.
MAX_TAG_FEATURES = 20
# Share of won leads whose previous stage must be known to use the stage as a feature.
STAGE_COVERAGE = 0.8
# The fields Odoo's native predictive lead scoring uses by default (crm.pls_fields).
ODOO_NATIVE_COLUMNS = ["stage", "team", "email_quality", "phone_quality"]


class PymeAiLeadScoring(models.AbstractModel):
    _name = "pyme.ai.lead.scoring"
    _inherit = "pyme.ai.capability"
    _description = "AI Lead Scoring"

    _ai_kind = "lead_scoring"
    _ai_kind_label = _lt("Lead scoring")
    _ai_train_cron_xmlid = "pyme_ai_crm.ir_cron_train_lead_scoring"
    _ai_apply_cron_xmlid = "pyme_ai_crm.ir_cron_score_leads"
    _ai_target_model = "crm.lead"
    _ai_apply_batch_size = 10000

    # ------------------------------------------------------------------ labels
    @api.model
    def _ai_feature_labels(self):
        """Readable, translated labels of the feature columns (for the reasons)."""
        _ = self.env._
        labels = {
            "source": _("Source"),
            "medium": _("Medium"),
            "campaign": _("Campaign"),
            "country": _("Country"),
            "state": _("State"),
            "team": _("Sales Team"),
            "salesperson": _("Salesperson"),
            "language": _("Language"),
            "stage": _("Stage"),
            "lead_type": _("Type"),
            "expected_revenue": _("Expected Revenue"),
            "email": _("Email"),
            "phone": _("Phone"),
            "email_quality": _("Email Quality"),
            "phone_quality": _("Phone Quality"),
            "lead_age_days": _("Lead Age (days)"),
            "days_in_stage": _("Days in Stage"),
            "partner_won": _("Customer's Won Leads"),
            "partner_lost": _("Customer's Lost Leads"),
            "partner_orders": _("Customer's Confirmed Orders"),
            "activities_done": _("Activities Done"),
            "messages_in": _("Messages Received"),
            "messages_out": _("Messages Sent"),
            "days_since_contact": _("Days Since Last Contact"),
            "page_views": _("Website Page Views"),
            "pricing_views": _("Pricing Page Views"),
        }
        # engine-derived columns: "<column>_<derived>"
        labels.update(
            {
                "email_free": _("Free Email Domain"),
                "email_valid": _("Valid Email"),
                "phone_valid": _("Valid Phone"),
                "phone_region": _("Phone Country"),
            }
        )
        tag_name = _("Tag")
        for tag in self.env["crm.tag"].sudo().search_read([], ["name"]):
            labels[f"tag_{tag['id']}"] = f"{tag_name}: {tag['name']}"
        return labels

    # ------------------------------------------------------------------ features
    def _ai_lead_table(self, leads, as_of, tag_ids):
        """Feature table (column -> list) for ``leads``, each seen at ``as_of[id]``.

        ``as_of`` gives the moment each lead is described at: now for open leads, the
        closing date for the won and lost leads used in training, so nothing that
        happened after it leaks into the features.
        """
        fnames = [
            "source_id",
            "medium_id",
            "campaign_id",
            "country_id",
            "state_id",
            "team_id",
            "user_id",
            "lang_id",
            "stage_id",
            "type",
            "expected_revenue",
            "email_from",
            "phone",
            "mobile",
            "email_state",
            "phone_state",
            "create_date",
            "date_last_stage_update",
            "partner_id",
            "tag_ids",
        ]
        rows = leads.with_context(active_test=False).read(fnames, load="_classic_read")
        stages, n_won = self._ai_stage_before_close(leads)
        # Won leads sit in the won stage: without tracking of the stage they left, the
        # stage (and time in it) would give the outcome away, so it is left out.
        use_stage = not n_won or len(stages) >= STAGE_COVERAGE * n_won

        def name(value):
            return value[1] if value else None

        table = defaultdict(list)
        for row in rows:
            when = as_of[row["id"]]
            table["source"].append(name(row["source_id"]))
            table["medium"].append(name(row["medium_id"]))
            table["campaign"].append(name(row["campaign_id"]))
            table["country"].append(name(row["country_id"]))
            table["state"].append(name(row["state_id"]))
            table["team"].append(name(row["team_id"]))
            table["salesperson"].append(name(row["user_id"]))
            table["language"].append(name(row["lang_id"]))
            stage = stages.get(
                row["id"], (row["stage_id"], row["date_last_stage_update"])
            )
            if not use_stage:
                stage = (None, None)
            table["stage"].append(name(stage[0]))
            table["lead_type"].append(row["type"] or None)
            table["expected_revenue"].append(row["expected_revenue"] or 0.0)
            table["email"].append(row["email_from"] or None)
            table["phone"].append(row["phone"] or row["mobile"] or None)
            table["email_quality"].append(row["email_state"] or None)
            table["phone_quality"].append(row["phone_state"] or None)
            table["lead_age_days"].append(_days(row["create_date"], when))
            table["days_in_stage"].append(_days(stage[1], when) if use_stage else None)
            tags = set(row["tag_ids"])
            for tag_id in tag_ids:
                table[f"tag_{tag_id}"].append(tag_id in tags)
        ids = [row["id"] for row in rows]
        partner_ids = {row["partner_id"][0] for row in rows if row["partner_id"]}
        commercial = {
            row["id"]: row["commercial_partner_id"][0]
            for row in self.env["res.partner"]
            .with_context(active_test=False)
            .browse(partner_ids)
            .read(["commercial_partner_id"])
        }
        partners = {
            row["id"]: commercial.get(row["partner_id"] and row["partner_id"][0])
            for row in rows
        }
        self._ai_partner_features(table, ids, partners, as_of)
        self._ai_engagement_features(table, ids, as_of)
        self._ai_extra_features(table, ids, as_of)
        return dict(table), ids

    def _ai_extra_features(self, table, ids, as_of):
        """Hook for glue addons (website visits): add columns aligned with ``ids``."""

    def _ai_stage_before_close(self, leads):
        """For won leads, the stage they were in before the won stage (from tracking).

        Returns ({lead id: ((stage id, name), date entered)} for the leads it knows,
        number of won leads).
        """
        won_stage_ids = set(
            self.env["crm.stage"].sudo().search([("is_won", "=", True)]).ids
        )
        won = leads.filtered(lambda lead: lead.stage_id.id in won_stage_ids)
        if not won:
            return {}, 0
        field = self.env["ir.model.fields"]._get("crm.lead", "stage_id")
        self.env["mail.tracking.value"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT m.res_id, t.old_value_integer, t.old_value_char,
                       t.new_value_integer, m.date
                  FROM mail_tracking_value t
                  JOIN mail_message m ON m.id = t.mail_message_id
                 WHERE t.field_id = %s AND m.model = 'crm.lead' AND m.res_id = ANY(%s)
              ORDER BY m.res_id, m.date, m.id
                """,
                field.id,
                won.ids,
            )
        )
        result, entered = {}, {}
        for res_id, old_id, old_name, new_id, date in self.env.cr.fetchall():
            if new_id in won_stage_ids and old_id not in won_stage_ids:
                result[res_id] = ((old_id, old_name), entered.get(res_id))
            entered[res_id] = date
        return result, len(won)

    def _ai_partner_features(self, table, ids, partners, as_of):
        """Earlier won and lost leads (and confirmed orders) of the same customer."""
        partner_ids = list({p for p in partners.values() if p})
        closed = defaultdict(list)
        if partner_ids:
            for row in (
                self.env["crm.lead"]
                .with_context(active_test=False)
                .search_read(
                    [
                        ("partner_id.commercial_partner_id", "in", partner_ids),
                        ("date_closed", "!=", False),
                    ],
                    ["partner_id", "date_closed", "probability", "active"],
                )
            ):
                won = row["probability"] == 100 and row["active"]
                closed[row["partner_id"][0]].append(
                    (row["date_closed"], won, row["id"])
                )
        if closed:
            commercial = {
                row["id"]: row["commercial_partner_id"][0]
                for row in self.env["res.partner"]
                .with_context(active_test=False)
                .browse(list(closed))
                .read(["commercial_partner_id"])
            }
            by_commercial = defaultdict(list)
            for partner_id, items in closed.items():
                by_commercial[commercial[partner_id]].extend(items)
            closed = by_commercial
        orders = {}
        if partner_ids and "sale.order" in self.env:
            for partner, dates in (
                self.env["sale.order"]
                .sudo()
                ._read_group(
                    [
                        ("partner_id.commercial_partner_id", "in", partner_ids),
                        ("state", "=", "sale"),
                    ],
                    ["partner_id"],
                    ["date_order:array_agg"],
                )
            ):
                orders.setdefault(partner.commercial_partner_id.id, []).extend(dates)
        for lead_id in ids:
            partner = partners[lead_id]
            when = as_of[lead_id]
            history = [
                c for c in closed.get(partner, ()) if c[0] < when and c[2] != lead_id
            ]
            table["partner_won"].append(sum(1 for c in history if c[1]))
            table["partner_lost"].append(sum(1 for c in history if not c[1]))
            if "sale.order" in self.env:
                table["partner_orders"].append(
                    sum(1 for d in orders.get(partner, ()) if d < when)
                )

    def _ai_engagement_features(self, table, ids, as_of):
        """Activities done, messages in and out, days since the last contact."""
        self.env["mail.message"].flush_model()
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self.env.cr.execute(
            SQL(
                """
                SELECT l.id,
                       COUNT(m.id) FILTER (WHERE m.mail_activity_type_id IS NOT NULL),
                       COUNT(m.id) FILTER (WHERE m.message_type = 'email'
                                             AND u.id IS NULL),
                       COUNT(m.id) FILTER (WHERE m.message_type IN ('email', 'comment')
                                             AND u.id IS NOT NULL
                                             AND m.subtype_id IS DISTINCT FROM %s),
                       MAX(m.date) FILTER (WHERE m.message_type IN ('email', 'comment')
                                             AND m.subtype_id IS DISTINCT FROM %s)
                  FROM unnest(%s::int[], %s::timestamp[]) AS l(id, as_of)
             LEFT JOIN mail_message m
                    ON m.model = 'crm.lead' AND m.res_id = l.id AND m.date <= l.as_of
             LEFT JOIN res_users u ON u.partner_id = m.author_id AND u.share IS NOT TRUE
              GROUP BY l.id
                """,
                note,
                note,
                ids,
                [as_of[i] for i in ids],
            )
        )
        stats = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for lead_id in ids:
            done, received, sent, last = stats.get(lead_id, (0, 0, 0, None))
            table["activities_done"].append(done)
            table["messages_in"].append(received)
            table["messages_out"].append(sent)
            table["days_since_contact"].append(
                _days(last, as_of[lead_id]) if last else None
            )

    def _ai_tag_ids(self):
        """The most used tags, as yes/no features."""
        groups = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group([("tag_ids", "!=", False)], ["tag_ids"], ["__count"])
        )
        groups.sort(key=lambda g: -g[1])
        return sorted(tag.id for tag, __ in groups[:MAX_TAG_FEATURES])

    # ------------------------------------------------------------------ training
    def _ai_closed_leads(self):
        company = self.env.company
        leads = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "in", (company.id, False)),
                    "|",
                    ("stage_id.is_won", "=", True),
                    "&",
                    ("active", "=", False),
                    ("probability", "=", 0),
                ],
                order="date_closed desc, id desc",
                limit=MAX_TRAINING_LEADS,
            )
        )
        return leads

    def _ai_training_data(self):
        leads = self._ai_closed_leads()
        won_ids = set(leads.filtered(lambda lead: lead.stage_id.is_won).ids)
        minimum = self._ai_min_samples()
        n_won, n_lost = len(won_ids), len(leads) - len(won_ids)
        if n_won < minimum or n_lost < minimum:
            raise UserError(
                self.env._(
                    "Not enough history to learn from: %(won)s won and %(lost)s lost "
                    "leads, at least %(needed)s of each are needed.",
                    won=n_won,
                    lost=n_lost,
                    needed=minimum,
                )
            )
        now = fields.Datetime.now()
        dates = {
            row["id"]: row["date_closed"] or row["write_date"] or now
            for row in leads.read(["date_closed", "write_date"])
        }
        tag_ids = self._ai_tag_ids()
        table, ids = self._ai_lead_table(leads, dates, tag_ids)
        target = [1 if lead_id in won_ids else 0 for lead_id in ids]
        return {"table": table, "target": target, "tag_ids": tag_ids}

    def _ai_tier_thresholds(self):
        params = self.env["ir.config_parameter"].sudo()
        hot = int(params.get_param(HOT_PARAM) or 0)
        warm = int(params.get_param(WARM_PARAM) or 0)
        return {"hot": hot, "warm": warm} if hot and warm else None

    def _ai_fit(self, data):
        country = self.env.company.country_id.code
        result = engine.train(
            data["table"],
            data["target"],
            min_per_class=self._ai_min_samples(),
            tier_thresholds=self._ai_tier_thresholds(),
            random_state=0,
            roles={"email": ["email"], "phone": ["phone"], "region": country or "ES"},
            # Odoo's predictive lead scoring: naive Bayes over these fields
            naive_bayes_columns={"odoo_native": ODOO_NATIVE_COLUMNS},
        )
        result.report["tag_ids"] = data["tag_ids"]
        return result

    def _ai_train(self, trigger="cron"):
        run = super()._ai_train(trigger=trigger)
        if run.state == "done":
            # a new model rescores every open lead
            self.env.cr.execute(
                SQL(
                    "UPDATE crm_lead SET ai_needs_scoring = TRUE "
                    "WHERE active AND (company_id = %s OR company_id IS NULL)",
                    self.env.company.id,
                )
            )
            self.env["crm.lead"].invalidate_model(["ai_needs_scoring"])
        return run

    # ------------------------------------------------------------------ applying
    def _ai_apply_domain(self, ai_model):
        return [
            ("ai_needs_scoring", "=", True),
            ("company_id", "in", (ai_model.company_id.id, False)),
            ("stage_id.is_won", "=", False),
        ]

    def _ai_apply(self, records, engine_model, ai_model):
        now = fields.Datetime.now()
        tag_ids = (ai_model.report or {}).get("tag_ids", [])
        table, ids = self._ai_lead_table(
            records, dict.fromkeys(records.ids, now), tag_ids
        )
        scored = engine_model.score(table)
        previous = {row["id"]: row["ai_score"] for row in records.read(["ai_score"])}
        values = []
        for index, lead_id in enumerate(ids):
            score = int(scored["score"][index])
            old = previous.get(lead_id) or 0
            trend = "stable"
            if old and score - old >= TREND_DELTA:
                trend = "rising"
            elif old and old - score >= TREND_DELTA:
                trend = "falling"
            values.append(
                (
                    lead_id,
                    score,
                    float(scored["probability"][index]),
                    scored["tier"][index],
                    json.dumps(scored["reasons"][index]),
                    old or None,
                    trend,
                )
            )
        self._ai_write_scores(values, ai_model, now)

    def _ai_write_scores(self, values, ai_model, now):
        """One UPDATE and one INSERT per batch (the ORM would issue one per lead)."""
        if not values:
            return
        self.env["crm.lead"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                UPDATE crm_lead l
                   SET ai_score = v.score, ai_probability = v.probability,
                       ai_tier = v.tier, ai_reasons = v.reasons::jsonb,
                       ai_score_previous = v.previous, ai_score_trend = v.trend,
                       ai_score_date = %s, ai_needs_scoring = FALSE
                  FROM (VALUES %s) AS v(id, score, probability, tier, reasons,
                                        previous, trend)
                 WHERE l.id = v.id
                """,
                now,
                SQL(", ").join(
                    SQL("(%s, %s, %s, %s, %s, %s::int, %s)", *row) for row in values
                ),
            )
        )
        changed = [row for row in values if row[5] != row[1]]
        if changed:
            self.env.cr.execute(
                SQL(
                    """
                    INSERT INTO pyme_ai_lead_score
                           (lead_id, company_id, date, score, probability, tier,
                            model_id, create_uid, write_uid, create_date, write_date)
                    SELECT v.id, l.company_id, %s, v.score, v.probability, v.tier,
                           %s, %s, %s, %s, %s
                      FROM (VALUES %s) AS v(id, score, probability, tier)
                      JOIN crm_lead l ON l.id = v.id
                    """,
                    now,
                    ai_model.id,
                    self.env.uid,
                    self.env.uid,
                    now,
                    now,
                    SQL(", ").join(
                        SQL("(%s, %s, %s, %s)", *row[:4]) for row in changed
                    ),
                )
            )
        self.env["crm.lead"].invalidate_model(
            [
                "ai_score",
                "ai_probability",
                "ai_tier",
                "ai_reasons",
                "ai_score_previous",
                "ai_score_trend",
                "ai_score_date",
                "ai_needs_scoring",
            ]
        )
        self.env["pyme.ai.lead.score"].invalidate_model()
        self.env["crm.lead"].invalidate_model(["ai_score_history_ids"])


def _days(start, end):
    if not start or not end:
        return None
    if isinstance(start, str):
        start = fields.Datetime.to_datetime(start)
    if isinstance(end, str):
        end = fields.Datetime.to_datetime(end)
    if not isinstance(start, datetime) or not isinstance(end, datetime):
        return None
    return max((end - start).total_seconds() / 86400.0, 0.0)
