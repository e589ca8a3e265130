# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring: crm.lead features read in batches, fed to pyme_ai.leads."""

import json
from collections import defaultdict
from datetime import datetime
from typing import NamedTuple

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from pyme_ai import leads as engine

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


# How a feature is read (``Feature.read``): from the values of its fields and the moment
# the lead is seen at. A string instead names the method filling the column(s) from
# other records.
def _name(values, when):
    return values[0][1] if values[0] else None


def _value(values, when):
    return values[0] or None


def _amount(values, when):
    return values[0] or 0.0


def _first(values, when):
    return next((value for value in values if value), None)


def _since(values, when):
    return _days(values[0], when)


class Feature(NamedTuple):
    column: str  # engine table column
    label: object  # lazily translated label (reasons)
    fields: tuple  # crm.lead fields read; writing an editable one asks for a new score
    read: object  # callable(values of ``fields``, moment) or a method name


PARTNER = "_ai_partner_features"
ENGAGEMENT = "_ai_engagement_features"
TAGS = "_ai_tag_features"

FEATURES = (
    Feature("source", _lt("Source"), ("source_id",), _name),
    Feature("medium", _lt("Medium"), ("medium_id",), _name),
    Feature("campaign", _lt("Campaign"), ("campaign_id",), _name),
    Feature("country", _lt("Country"), ("country_id",), _name),
    Feature("state", _lt("State"), ("state_id",), _name),
    Feature("team", _lt("Sales Team"), ("team_id",), _name),
    Feature("salesperson", _lt("Salesperson"), ("user_id",), _name),
    Feature("language", _lt("Language"), ("lang_id",), _name),
    Feature("stage", _lt("Stage"), ("stage_id",), _name),
    Feature("lead_type", _lt("Type"), ("type",), _value),
    Feature(
        "expected_revenue", _lt("Expected Revenue"), ("expected_revenue",), _amount
    ),
    Feature("email", _lt("Email"), ("email_from",), _value),
    Feature("phone", _lt("Phone"), ("phone", "mobile"), _first),
    Feature("email_quality", _lt("Email Quality"), ("email_state",), _value),
    Feature("phone_quality", _lt("Phone Quality"), ("phone_state",), _value),
    Feature("lead_age_days", _lt("Lead Age (days)"), ("create_date",), _since),
    Feature("days_in_stage", _lt("Days in Stage"), ("date_last_stage_update",), _since),
    Feature("partner_won", _lt("Customer's Won Leads"), ("partner_id",), PARTNER),
    Feature("partner_lost", _lt("Customer's Lost Leads"), ("partner_id",), PARTNER),
    Feature("activities_done", _lt("Activities Done"), (), ENGAGEMENT),
    Feature("messages_in", _lt("Messages Received"), (), ENGAGEMENT),
    Feature("messages_out", _lt("Messages Sent"), (), ENGAGEMENT),
    Feature("days_since_contact", _lt("Days Since Last Contact"), (), ENGAGEMENT),
    # one yes/no column "tag_<id>" per most used tag
    Feature("tag", _lt("Tag"), ("tag_ids",), TAGS),
)
#: crm.lead fields read for the features, in order
READ_FIELDS = tuple(dict.fromkeys(f for feature in FEATURES for f in feature.fields))
# Columns the engine derives from the email and phone columns: "<column>_<derived>".
DERIVED_LABELS = {
    "email_free": _lt("Free Email Domain"),
    "email_valid": _lt("Valid Email"),
    "phone_valid": _lt("Valid Phone"),
    "phone_region": _lt("Phone Country"),
}


class PymeAiLeadScoring(models.AbstractModel):
    _name = "pyme.ai.lead.scoring"
    _inherit = "pyme.ai.capability"
    _description = "AI Lead Scoring"

    _ai_kind = "lead_scoring"
    _ai_kind_label = _lt("Lead scoring")
    _ai_train_cron_xmlid = "pyme_ai_crm.ir_cron_train_lead_scoring"
    _ai_apply_cron_xmlid = "pyme_ai_crm.ir_cron_score_leads"
    _ai_apply_mode = "batch"
    _ai_target_model = "crm.lead"
    _ai_apply_batch_size = 10000
    _ai_protect_active = True
    _ai_metrics = {
        "auc": (_lt("AUC (ranking quality)"), "higher"),
        "brier": (_lt("Brier score (lower is better)"), "lower"),
        "log_loss": (_lt("Log loss (lower is better)"), "lower"),
        "lift_10": (_lt("Lift in top 10%"), "higher"),
        "lift_20": (_lt("Lift in top 20%"), "higher"),
        "n": (_lt("Holdout rows"), "higher"),
        "positive_rate": (_lt("Positive rate"), "higher"),
    }
    _ai_baseline_labels = {
        "naive_bayes": _lt("Naive Bayes (like Odoo's native scoring)"),
        "logistic": _lt("Logistic regression"),
        "odoo_native": _lt("Odoo native scoring"),
    }

    # ------------------------------------------------------------------ labels
    @api.model
    def _ai_feature_labels(self):
        """Readable, translated labels of the feature columns (for the reasons).

        Glue addons adding columns with ``_ai_extra_features`` add their labels here.
        """
        _ = self.env._
        labels = {feature.column: _(feature.label) for feature in FEATURES}
        labels.update({column: _(label) for column, label in DERIVED_LABELS.items()})
        tag_name = labels.pop("tag")
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
        rows = leads.with_context(active_test=False).read(
            list(READ_FIELDS), load="_classic_read"
        )
        self._ai_stage_as_of(leads, rows)
        ids = [row["id"] for row in rows]
        context = {"as_of": as_of, "tag_ids": tag_ids}
        computed = {}
        table = {}
        for feature in FEATURES:
            if isinstance(feature.read, str):
                if feature.read not in computed:
                    computed[feature.read] = getattr(self, feature.read)(rows, context)
                    table.update(computed[feature.read])
                continue
            table[feature.column] = [
                feature.read(
                    tuple(row[name] for name in feature.fields), as_of[row["id"]]
                )
                for row in rows
            ]
        extra = defaultdict(list, table)
        self._ai_extra_features(extra, ids, as_of)
        return dict(extra), ids

    def _ai_extra_features(self, table, ids, as_of):
        """Hook for glue addons: add columns (lists aligned with ``ids``) to ``table``,
        each lead seen at ``as_of[id]``; label them in ``_ai_feature_labels``."""

    def _ai_stage_as_of(self, leads, rows):
        """Set the stage of leads in a won stage to the one they left for it.

        Won leads sit in the won stage: without tracking of the stage they left, the
        stage (and time in it) would give the outcome away, so both are left out of
        every row (``stage_id`` and ``date_last_stage_update`` None) unless that stage
        is known for most of them.
        """
        stages, n_won = self._ai_stage_before_close(leads)
        use_stage = not n_won or len(stages) >= STAGE_COVERAGE * n_won
        for row in rows:
            stage, entered = stages.get(
                row["id"], (row["stage_id"], row["date_last_stage_update"])
            )
            if not use_stage:
                stage = entered = None
            row["stage_id"], row["date_last_stage_update"] = stage, entered

    def _ai_stage_before_close(self, leads):
        """For leads in a won stage, the stage they were in before it (from tracking).

        Returns ({lead id: ((stage id, name), date entered)} for the leads it knows,
        number of leads in a won stage).
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

    def _ai_partner_features(self, rows, context):
        """Earlier won and lost leads of the same customer (commercial partner)."""
        as_of = context["as_of"]
        Lead = self.env["crm.lead"].with_context(active_test=False)
        partner_ids = {row["partner_id"][0] for row in rows if row["partner_id"]}
        commercial = {
            partner.id: partner.commercial_partner_id.id
            for partner in self.env["res.partner"]
            .with_context(active_test=False)
            .browse(partner_ids)
        }
        # per commercial partner: (closing date, won, lead id) of its closed leads
        closed = defaultdict(list)
        if commercial:
            customer = [
                (
                    "partner_id.commercial_partner_id",
                    "in",
                    list(set(commercial.values())),
                ),
                ("date_closed", "!=", False),
            ]
            for won, domain in (
                (True, Lead._ai_won_domain()),
                (False, Lead._ai_lost_domain()),
            ):
                for lead in Lead.search(expression.AND([customer, domain])):
                    closed[lead.partner_id.commercial_partner_id.id].append(
                        (lead.date_closed, won, lead.id)
                    )
        won_counts, lost_counts = [], []
        for row in rows:
            partner = commercial.get(row["partner_id"] and row["partner_id"][0])
            when = as_of[row["id"]]
            history = [
                c for c in closed.get(partner, ()) if c[0] < when and c[2] != row["id"]
            ]
            won_counts.append(sum(1 for c in history if c[1]))
            lost_counts.append(sum(1 for c in history if not c[1]))
        return {"partner_won": won_counts, "partner_lost": lost_counts}

    def _ai_engagement_features(self, rows, context):
        """Activities done, messages in and out, days since the last contact."""
        as_of = context["as_of"]
        ids = [row["id"] for row in rows]
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
        table = defaultdict(list)
        for lead_id in ids:
            done, received, sent, last = stats.get(lead_id, (0, 0, 0, None))
            table["activities_done"].append(done)
            table["messages_in"].append(received)
            table["messages_out"].append(sent)
            table["days_since_contact"].append(
                _days(last, as_of[lead_id]) if last else None
            )
        return table

    def _ai_tag_features(self, rows, context):
        return {
            f"tag_{tag_id}": [tag_id in row["tag_ids"] for row in rows]
            for tag_id in context["tag_ids"]
        }

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
        """The company's most recent won and lost leads."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        return Lead.search(
            expression.AND(
                [
                    [("company_id", "in", (self.env.company.id, False))],
                    Lead._ai_closed_domain(),
                ]
            ),
            order="date_closed desc, id desc",
            limit=MAX_TRAINING_LEADS,
        )

    def _ai_training_data(self):
        leads = self._ai_closed_leads()
        won_ids = set(leads.filtered_domain(leads._ai_won_domain()).ids)
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
        return engine.fixed_thresholds(
            hot=self._ai_param(HOT_PARAM, 0, int, 0, 100),
            warm=self._ai_param(WARM_PARAM, 0, int, 0, 100),
        )

    def _ai_fit(self, data):
        country = self.env.company.country_id.code
        result = engine.evaluate(
            engine.LeadData(data["table"], data["target"]),
            min_per_class=self._ai_min_samples(),
            tier_thresholds=self._ai_tier_thresholds(),
            random_state=0,
            roles={"email": ["email"], "phone": ["phone"], "region": country or "ES"},
            # Odoo's predictive lead scoring: naive Bayes over these fields
            naive_bayes_columns={"odoo_native": ODOO_NATIVE_COLUMNS},
        )
        result.report["tag_ids"] = data["tag_ids"]
        return result

    def _ai_after_activate(self, ai_model, previous):
        """A new active model rescores every open lead of its company."""
        res = super()._ai_after_activate(ai_model, previous)
        self.env["crm.lead"].flush_model(["ai_needs_scoring"])
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET ai_needs_scoring = TRUE "
                "WHERE active AND (company_id = %s OR company_id IS NULL)",
                ai_model.company_id.id,
            )
        )
        self.env["crm.lead"].invalidate_model(["ai_needs_scoring"])
        return res

    # ------------------------------------------------------------------ applying
    def _ai_apply_domain(self, ai_model):
        Lead = self.env["crm.lead"]
        return expression.AND(
            [
                [
                    ("ai_needs_scoring", "=", True),
                    ("company_id", "in", (ai_model.company_id.id, False)),
                ],
                ["!", *expression.normalize_domain(Lead._ai_won_domain())],
            ]
        )

    def _ai_apply(self, records, engine_model, ai_model):
        now = fields.Datetime.now()
        tag_ids = (ai_model.report or {}).get("tag_ids", [])
        table, ids = self._ai_lead_table(
            records, dict.fromkeys(records.ids, now), tag_ids
        )
        scored = engine_model.explain(table)
        previous = {row["id"]: row["ai_score"] for row in records.read(["ai_score"])}
        old = [previous.get(lead_id) or 0 for lead_id in ids]
        trends = engine.score_trend(old, scored["score"])
        values = [
            (
                lead_id,
                int(scored["score"][index]),
                float(scored["probability"][index]),
                scored["tier"][index],
                json.dumps(scored["reasons"][index]),
                old[index] or None,
                str(trends[index]),
            )
            for index, lead_id in enumerate(ids)
        ]
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
                "ai_score_history_ids",
            ]
        )
        self.env["pyme.ai.lead.score"].invalidate_model()
