# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Lead scoring: crm.lead features read in batches, fed to pyme_ai.leads."""

import io
from collections import defaultdict
from typing import NamedTuple

from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.misc import formatLang
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice, display_value, sql_array

from pyme_ai import leads as engine
from pyme_ai.leads import columns
from pyme_ai.sales import history_moments

_lt = LazyTranslate(__name__)

HOT_PARAM = "pyme_ai_crm.hot_threshold"
WARM_PARAM = "pyme_ai_crm.warm_threshold"
# Most recent closed leads used for training.
MAX_TRAINING_LEADS = 100000
# A full rescoring walks the open leads in this many stripes (id modulo it), one
# batch of one stripe per call of the scoring cron (the runner commits between calls).
RESCORE_STRIPES = 8
# Most frequent tags turned into yes/no features.
MAX_TAG_FEATURES = 20
# Share of won leads whose previous stage must be known to use the stage as a feature.
STAGE_COVERAGE = 0.8
# Training rows: 2 = one per stage a closed lead passed, seen partway through it.
TRAINING_DESIGN = 2
# The fields Odoo's native predictive lead scoring uses by default (crm.pls_fields).
ODOO_NATIVE_COLUMNS = ["stage", "team", "email_quality", "phone_quality"]


# How a feature is read (``Feature.read``): a reader of pyme_ai.leads.columns (from
# the stored values of its fields: ids and codes, never display names) or the name
# of the method filling the column(s) from other records.
_ref, _value, _amount = columns.as_ref, columns.as_value, columns.as_amount
_since, _phone_region = columns.days_since, columns.phone_region_of
_days = columns.days_between


class Feature(NamedTuple):
    column: str  # engine table column
    label: object  # lazily translated label (reasons)
    fields: tuple  # crm.lead fields read; writing an editable one asks for a new score
    read: object  # callable(values of ``fields``, moment) or a method name


PARTNER = "_ai_partner_features"
ENGAGEMENT = "_ai_engagement_features"
TAGS = "_ai_tag_features"

FEATURES = (
    Feature("source", _lt("Source"), ("source_id",), _ref),
    Feature("medium", _lt("Medium"), ("medium_id",), _ref),
    Feature("campaign", _lt("Campaign"), ("campaign_id",), _ref),
    Feature("country", _lt("Country"), ("country_id",), _ref),
    Feature("state", _lt("State"), ("state_id",), _ref),
    Feature("team", _lt("Sales Team"), ("team_id",), _ref),
    Feature("salesperson", _lt("Salesperson"), ("user_id",), _ref),
    Feature("language", _lt("Language"), ("lang_id",), _ref),
    Feature("stage", _lt("Stage"), ("stage_id",), _ref),
    Feature("lead_type", _lt("Type"), ("type",), _value),
    Feature(
        "expected_revenue", _lt("Expected Revenue"), ("expected_revenue",), _amount
    ),
    Feature("email", _lt("Email"), ("email_from",), _value),
    Feature("phone_region", _lt("Phone Country"), ("phone", "mobile"), _phone_region),
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
#: the stored columns among them, read by one SQL query (tags come from their table)
COLUMN_FIELDS = tuple(name for name in READ_FIELDS if name != "tag_ids")
#: the scoring state read with them (to write only what changed)
STATE_FIELDS = ("ai_score", "ai_tier", "ai_needs_scoring", "ai_score_model")
STAGE_FIELDS = ("stage_id", "date_last_stage_update")  # whatever the model reads
#: the crm.lead field of each column read from one (id codes and selection codes
#: are rendered from it for the reader)
FIELD_OF = {f.column: f.fields[0] for f in FEATURES if f.read in (_ref, _value)}
#: feature columns counting days (shown as whole days)
DAY_COLUMNS = ("lead_age_days", "days_in_stage", "days_since_contact")
# Columns the engine derives from the email and phone columns: "<column>_<derived>".
DERIVED_LABELS = {
    "email_free": _lt("Free Email Domain"),
    "email_valid": _lt("Valid Email"),
    "phone_valid": _lt("Valid Phone"),
    "phone_region": _lt("Phone Country"),
}
# Leads per SQL read while training (bounds the rows held at once by the database
# driver; the feature table itself is bounded by MAX_TRAINING_LEADS).
TRAINING_READ_BATCH = 20000


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
    _ai_notices = {
        "few_leads": _lt(
            "The AI needs %(needed)s won and %(needed)s lost leads to learn from; "
            "there are %(won)s and %(lost)s."
        ),
    }
    _ai_metrics = {
        "auc": (_lt("AUC (ranking quality)"), "higher"),
        "brier": (_lt("Brier score"), "lower"),
        "log_loss": (_lt("Log loss"), "lower"),
        "lift_10": (_lt("Lift in top 10%"), "higher"),
        "lift_20": (_lt("Lift in top 20%"), "higher"),
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

    @api.model
    def _ai_render_value(self, column, value, names, currency=None):
        """A reason's stored value (id code, selection code, yes/no, number) in the
        reader's language and number format: money in ``currency``, whole days;
        ``names`` caches {(model, id): display name}."""
        field = self.env["crm.lead"]._fields.get(FIELD_OF.get(column))
        if field is not None and isinstance(value, str):
            if field.type == "many2one" and value.startswith("#"):
                return self._ai_record_name(field.comodel_name, value[1:], names)
            if field.type == "selection":
                return dict(field._description_selection(self.env)).get(value, value)
        if value in ("yes", "no"):
            return self.env._("Yes") if value == "yes" else self.env._("No")
        if not isinstance(value, int | float) or isinstance(value, bool):
            return value
        if column == "expected_revenue" and currency:
            return formatLang(self.env, value, currency_obj=currency)
        if column in DAY_COLUMNS:
            value = round(value)
        return display_value(self.env, value)

    @api.model
    def _ai_record_name(self, model, record_id, names):
        """Display name of ``model`` record ``record_id`` (its id if deleted)."""
        key = (model, str(record_id))
        if key not in names:
            record = self.env[model].sudo().browse(int(record_id)).exists()
            names[key] = record.display_name if record else str(record_id)
        return names[key]

    # ------------------------------------------------------------------ verdict
    def _ai_verdict_html(self, ai_model):
        """Does the model find more sales than Odoo's native scoring, in one
        sentence, with its cumulative-gains chart (from the stored holdout)."""
        summary = (ai_model.report or {}).get("holdout")
        if not summary or not summary.get("verdict"):
            return False
        _ = self.env._
        v = {k: display_value(self.env, x) for k, x in summary["verdict"].items()}
        code = summary["verdict"]["code"]
        if code == "too_few":
            text = _(
                "Too few leads to judge: the model was checked on %(n)s leads it "
                "never saw, %(positives)s of them won; at least %(needed)s, with 10 "
                "won and 10 lost, are needed for a verdict.",
                **v,
            )
            return Markup("<p class='alert alert-warning mb-0'>%s</p>") % text
        if code == "leakage" and "column" in v:
            column = summary["verdict"]["column"]
            text = _(
                "Probable leakage: the field “%(field)s” alone ranks the leads the "
                "model never saw with an AUC of %(column_auc)s. It most likely "
                "records the outcome (filled in only once a deal is won or lost): "
                "check it before trusting the scores.",
                field=self._ai_feature_labels().get(column, column),
                **v,
            )
        elif code == "leakage":
            text = _(
                "Probable leakage: an AUC of %(auc)s on leads the model never saw is "
                "too good to be true. A field most likely records the outcome (filled "
                "in only once a deal is won or lost): check the strongest reasons "
                "before trusting the scores.",
                **v,
            )
        if code == "leakage":
            return Markup("<p class='alert alert-danger mb-0'>%s</p>") % text
        text = _(
            "On %(n)s leads it never saw, calling the best scored %(share)s%% first "
            "finds %(found)s%% of the sales",
            **v,
        )
        if code == "no_reference":
            text += "."
        else:
            text += _("; with Odoo's native scoring, %(reference_found)s%%.", **v)
            text += " " + (
                _("The AI finds more.")
                if code == "better"
                else _("The AI does not find more than Odoo's native scoring here.")
            )
        auc = (summary.get("intervals") or {}).get("auc")
        if auc:
            text += " " + _(
                "AUC between %(low)s and %(high)s (90%% interval).",
                low=formatLang(self.env, auc[0], digits=2),
                high=formatLang(self.env, auc[1], digits=2),
            )
        gains = {
            "model": _("AI score"),
            "reference": _("Odoo native scoring"),
            "random": _("Random order"),
            "x": _("Leads called, best scored first"),
            "y": _("Share of the sales found"),
        }
        calibration = {
            "model": _("AI probability"),
            "ideal": _("Exactly right"),
            "x": _("Probability given by the AI"),
            "y": _("Share actually won"),
        }
        charts = [
            (
                _("Sales found"),
                _(
                    "Call the leads in the order of their AI score: the line shows the "
                    "share of the sales reached after each share of the calls."
                ),
                engine.gains_svg(summary, gains),
            ),
            (
                _("Are its probabilities right?"),
                _(
                    "Each dot is a group of leads: the probability the AI gave them "
                    "(across) and how many of them were won (up). Near the diagonal, "
                    "of the leads given 30%, about 3 in 10 are won."
                ),
                engine.calibration_svg(summary, calibration),
            ),
        ]
        cell = Markup(
            "<div class='col-12 col-lg-6 mb-3'><h5>%s</h5>"
            "<p class='text-muted small mb-1'>%s</p>%s</div>"
        )
        # the SVG is built by the engine from numbers, its labels escaped there
        row = Markup("").join(
            cell % (title, help_text, Markup(svg))  # noqa: S704
            for title, help_text, svg in charts
        )
        return Markup("<p class='fs-5 mb-2'>%s</p><div class='row'>%s</div>") % (
            text,
            row,
        )

    # ------------------------------------------------------------------ features
    def _ai_lead_table(self, leads, as_of, tag_ids):
        """Feature table (column -> list) for ``leads``, each seen at ``as_of[id]``.

        ``as_of`` gives the moment each lead is described at: now for open leads, the
        closing date for the won and lost leads used in training, so nothing that
        happened after it leaks into the features. Everything is read with SQL as
        ids, codes and numbers: the table is the same whatever language the users
        who wrote the history, or the job reading it, speak.
        """
        table, ids, __ = self._ai_lead_table_state(leads.ids, as_of, tag_ids)
        return table, ids

    def _ai_lead_rows(self, lead_ids, where=None, needed=None):
        """{field: stored values} of the feature and scoring-state columns of
        ``lead_ids`` by id, or of the leads SQL ``where`` (ORDER BY, LIMIT) selects;
        with ``needed`` (a model's columns), its features' and the stage's only."""
        names = list(COLUMN_FIELDS)
        if needed is not None:
            used = {f for x in FEATURES if x.column in needed for f in x.fields}
            names = [f for f in names if f in used or f in STAGE_FIELDS]
        names += ["company_id", *STATE_FIELDS]
        self.env["crm.lead"].flush_model(names)
        if where is None:
            where = SQL("id = ANY(%s) ORDER BY id", sql_array(lead_ids))
        self.env.cr.execute(
            SQL(
                "SELECT id, %s FROM crm_lead WHERE %s",
                SQL(", ").join(SQL.identifier(name) for name in names),
                where,
            )
        )
        read = list(zip(*self.env.cr.fetchall(), strict=True))
        read = read or [()] * (len(names) + 1)
        keys = ("id", *names)
        return {key: list(values) for key, values in zip(keys, read, strict=True)}

    def _ai_lead_table_state(
        self, lead_ids, as_of, tag_ids, per_stage=False, rows=None, needed=None
    ):
        """Feature table (only the ``needed`` columns, a model's, when given), ids
        (in table order) and {column: values} of the SQL read (``ai_score``,
        ``ai_tier``, ``ai_needs_scoring`` included; ``rows`` when read already).

        One row per lead, seen at ``as_of[id]``; with ``per_stage`` (training) one
        per stage a lead passed through, seen partway through it (ids repeat): an
        open lead in an early stage is judged among leads seen in that stage, not
        among leads described by the stage they closed in."""
        rows = rows or self._ai_lead_rows(lead_ids, needed=needed)
        rows = self._ai_stage_rows(rows, as_of, per_stage)
        ids, when = rows["id"], rows["as_of"]
        context = {"tag_ids": tag_ids}
        computed = {}
        table = {}
        for feature in FEATURES:
            tag = feature.read == TAGS and any(c[:4] == "tag_" for c in needed or ())
            if needed is not None and feature.column not in needed and not tag:
                continue
            if isinstance(feature.read, str):
                if feature.read not in computed:
                    computed[feature.read] = getattr(self, feature.read)(rows, context)
                    table.update(computed[feature.read])
                continue
            table[feature.column] = feature.read(
                [rows[name] for name in feature.fields], when
            )
        extra = defaultdict(list, table)
        self._ai_extra_features(extra, ids, when)
        return dict(extra), ids, rows

    def _ai_extra_features(self, table, ids, when):
        """Hook for glue addons: add columns (lists aligned with ``ids``) to ``table``,
        row ``i`` being lead ``ids[i]`` seen at ``when[i]`` (a lead may have several
        rows); label them in ``_ai_feature_labels``."""

    def _ai_stage_rows(self, rows, as_of, per_stage):
        """``rows`` with an ``as_of`` column and the stage of each row by id.

        A lead in a won stage is described in the stage it left for it: the won
        stage would give the outcome away. Unknown for most won leads, the stage
        and the time in it are left out of every row (one per lead). With
        ``per_stage``, each other stage a lead was in gives a row too (its last
        visit, seen partway through it)."""
        n = len(rows["id"])
        visits, n_won = self._ai_stage_visits(rows, per_stage)
        known = sum(1 for stays, in_won in visits.values() if in_won and stays)
        use_stage = not n_won or known >= STAGE_COVERAGE * n_won
        if not use_stage:
            rows["stage_id"] = [None] * n
            rows["date_last_stage_update"] = [None] * n
        if not per_stage:  # one row per lead: only those in a won stage change
            rows["as_of"] = [as_of[lead_id] for lead_id in rows["id"]]
            position = {i: n for n, i in enumerate(rows["id"])} if visits else {}
            for lead_id, (stays, __) in visits.items() if use_stage else ():
                index = position[lead_id]  # a lead in a won stage
                stage, entered, left = (stays or [(None, None, None)])[-1]
                rows["stage_id"][index] = stage
                rows["date_last_stage_update"][index] = entered
                rows["as_of"][index] = min(left or as_of[lead_id], as_of[lead_id])
            return rows
        out = {name: [] for name in (*rows, "as_of")}
        for index, lead_id in enumerate(rows["id"]):
            moment = as_of[lead_id]
            stays, in_won = visits[lead_id]
            if not use_stage:
                stays = []
            for stage, entered, left in stays or [(None, None, None)]:
                for name, values in rows.items():
                    out[name].append(values[index])
                out["as_of"].append(min(left, moment) if left else moment)
                if stays or (in_won and use_stage):
                    out["stage_id"][-1] = stage
                    out["date_last_stage_update"][-1] = entered
        # seen partway through the stay, as open leads are seen
        ids, ends = out["id"], out["as_of"]
        keys = [f"{i}:{s}" for i, s in zip(ids, out["stage_id"], strict=True)]
        stays = zip(keys, out["date_last_stage_update"], ends, strict=True)
        seen = history_moments(stays)
        out["as_of"] = [seen.get(k, end) for k, end in zip(keys, ends, strict=True)]
        return out

    def _ai_won_stage_ids(self):
        self.env["crm.stage"].flush_model(["is_won"])
        self.env.cr.execute(SQL("SELECT id FROM crm_stage WHERE is_won"))
        return {row[0] for row in self.env.cr.fetchall()}

    def _ai_stage_visits(self, rows, every_lead=True):
        """({lead id: ([(stage id, entered, left)], in a won stage)}, leads in a won
        stage): the last visit of each stage but the won ones, by entry, from
        ``crm.lead._ai_stage_intervals`` (of the leads in a won stage only unless
        ``every_lead``); none for a lead in a won stage with no stage before it."""
        won_stage_ids = self._ai_won_stage_ids()
        in_won = {
            lead_id: stage_id in won_stage_ids
            for lead_id, stage_id in zip(rows["id"], rows["stage_id"], strict=True)
        }
        read = [lead_id for lead_id, won in in_won.items() if every_lead or won]
        intervals = defaultdict(dict)  # lead -> stage -> its last visit
        for r in self.env["crm.lead"]._ai_stage_intervals(read) if read else ():
            if r["stage_id"] and r["stage_id"] not in won_stage_ids:
                visit = (r["stage_id"], r["entered"], r["left"])
                intervals[r["lead_id"]].pop(r["stage_id"], None)
                intervals[r["lead_id"]][r["stage_id"]] = visit
        visits = {}
        for lead_id in read:
            won = in_won[lead_id]
            stays = list(intervals[lead_id].values()) if lead_id in intervals else ()
            if won and stays and stays[-1][2] is None:
                stays = ()  # the move to the won stage was not tracked
            visits[lead_id] = (stays, won)
        return visits, sum(in_won.values())

    def _ai_partner_features(self, rows, context):
        """Earlier won and lost leads of the same customer (commercial partner) in
        the lead's own company, closed before the moment the row is seen at."""
        with_partner = [
            index for index, partner_id in enumerate(rows["partner_id"]) if partner_id
        ]
        counts = {}
        if with_partner:
            Lead = self.env["crm.lead"]
            Lead.flush_model(["partner_id", "date_closed", "active", "probability"])
            self.env["res.partner"].flush_model(["commercial_partner_id"])
            self.env.cr.execute(
                SQL(
                    """
                    SELECT l.n,
                           COUNT(c.id) FILTER (WHERE %(won)s),
                           COUNT(c.id) FILTER (WHERE %(lost)s)
                      FROM unnest(%(ids)s, %(as_of)s, %(rows)s) AS l(id, as_of, n)
                      JOIN crm_lead cl ON cl.id = l.id
                      JOIN res_partner lp ON lp.id = cl.partner_id
                      JOIN res_partner op
                        ON op.commercial_partner_id = lp.commercial_partner_id
                      JOIN crm_lead c ON c.partner_id = op.id
                                     AND c.id <> l.id
                                     AND c.date_closed < l.as_of
                                     AND c.company_id IS NOT DISTINCT FROM cl.company_id
                                     AND (%(won)s OR %(lost)s)
                  GROUP BY l.n
                    """,
                    won=Lead._ai_won_sql("c"),
                    lost=Lead._ai_lost_sql("c"),
                    ids=sql_array(rows["id"][i] for i in with_partner),
                    as_of=sql_array(
                        (rows["as_of"][i] for i in with_partner), "timestamp"
                    ),
                    rows=sql_array(with_partner),
                )
            )
            counts = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        pairs = [counts.get(index, (0, 0)) for index in range(len(rows["id"]))]
        won, lost = ([pair[k] for pair in pairs] for k in (0, 1))
        return {"partner_won": won, "partner_lost": lost}

    def _ai_engagement_features(self, rows, context):
        """Activities done, messages in and out, days since the last contact."""
        ids, when = rows["id"], rows["as_of"]
        self.env["mail.message"].flush_model()
        note = self.env["ir.model.data"]._xmlid_to_res_id("mail.mt_note")
        self.env.cr.execute(
            SQL(
                """
                SELECT l.n,
                       COUNT(m.id) FILTER (WHERE m.mail_activity_type_id IS NOT NULL),
                       COUNT(m.id) FILTER (WHERE m.message_type = 'email'
                                             AND u.id IS NULL),
                       COUNT(m.id) FILTER (WHERE m.message_type IN ('email', 'comment')
                                             AND u.id IS NOT NULL
                                             AND m.subtype_id IS DISTINCT FROM %s),
                       MAX(m.date) FILTER (WHERE m.message_type IN ('email', 'comment')
                                             AND m.subtype_id IS DISTINCT FROM %s)
                  FROM unnest(%s, %s) WITH ORDINALITY AS l(id, as_of, n)
                  JOIN mail_message m
                    ON m.model = 'crm.lead' AND m.res_id = l.id AND m.date <= l.as_of
             LEFT JOIN res_users u ON u.partner_id = m.author_id AND u.share IS NOT TRUE
              GROUP BY l.n
                """,
                note,
                note,
                sql_array(ids),
                sql_array(when, "timestamp"),
            )
        )
        stats = {row[0] - 1: row[1:] for row in self.env.cr.fetchall()}
        table = defaultdict(list)
        for index, moment in enumerate(when):
            done, received, sent, last = stats.get(index, (0, 0, 0, None))
            table["activities_done"].append(done)
            table["messages_in"].append(received)
            table["messages_out"].append(sent)
            table["days_since_contact"].append(_days(last, moment) if last else None)
        return table

    def _ai_tag_features(self, rows, context):
        tag_ids = context["tag_ids"]
        ids = rows["id"]
        tagged = set()
        if tag_ids and ids:
            self.env["crm.lead"].flush_model(["tag_ids"])
            self.env.cr.execute(
                SQL(
                    "SELECT lead_id, tag_id FROM crm_tag_rel "
                    "WHERE lead_id = ANY(%s) AND tag_id = ANY(%s)",
                    sql_array(ids),
                    list(tag_ids),
                )
            )
            tagged = set(self.env.cr.fetchall())
        return {
            f"tag_{tag_id}": [(lead_id, tag_id) in tagged for lead_id in ids]
            for tag_id in tag_ids
        }

    def _ai_tag_ids(self):
        """The most used tags, as yes/no features."""
        self.env["crm.lead"].flush_model(["tag_ids"])
        self.env.cr.execute(
            SQL(
                "SELECT tag_id FROM crm_tag_rel GROUP BY tag_id "
                "ORDER BY COUNT(*) DESC, tag_id LIMIT %s",
                MAX_TAG_FEATURES,
            )
        )
        return sorted(row[0] for row in self.env.cr.fetchall())

    # ------------------------------------------------------------------ training
    def _ai_closed_leads(self):
        """(ids, {id: closing moment}, {id: won}, number of closed leads) of the
        company's most recent won and lost leads, at most ``MAX_TRAINING_LEADS``
        (bounded memory and time however long the history is)."""
        Lead = self.env["crm.lead"]
        Lead.flush_model(["date_closed", "active", "probability", "company_id"])
        where = SQL(
            "(company_id = %s OR company_id IS NULL) AND (%s OR %s)",
            self.env.company.id,
            Lead._ai_won_sql("crm_lead"),
            Lead._ai_lost_sql("crm_lead"),
        )
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM crm_lead WHERE %s", where))
        total = self.env.cr.fetchone()[0]
        self.env.cr.execute(
            SQL(
                """
                SELECT id, COALESCE(date_closed, write_date, now() at time zone 'utc'),
                       %s
                  FROM crm_lead WHERE %s
              ORDER BY date_closed DESC NULLS LAST, id DESC
                 LIMIT %s
                """,
                Lead._ai_won_sql("crm_lead"),
                where,
                self._ai_max_training_leads(),
            )
        )
        rows = self.env.cr.fetchall()
        dates, won = ({row[0]: row[i] for row in rows} for i in (1, 2))
        return [row[0] for row in rows], dates, won, total

    def _ai_max_training_leads(self):
        return self._ai_param(
            "pyme_ai_crm.max_training_leads", MAX_TRAINING_LEADS, int, 1000
        )

    def _ai_training_data(self):
        ids, dates, won, total = self._ai_closed_leads()
        minimum = self._ai_min_samples()
        n_won = sum(1 for value in won.values() if value)
        n_lost = len(ids) - n_won
        if n_won < minimum or n_lost < minimum:
            raise AiNotice(self, "few_leads", won=n_won, lost=n_lost, needed=minimum)
        tag_ids = self._ai_tag_ids()
        table, read_ids = defaultdict(list), []
        for start in range(0, len(ids), TRAINING_READ_BATCH):
            chunk = ids[start : start + TRAINING_READ_BATCH]
            part, part_ids, __ = self._ai_lead_table_state(
                chunk, dates, tag_ids, per_stage=True
            )
            for column, values in part.items():
                table[column].extend(values)
            read_ids.extend(part_ids)
            self.env.invalidate_all()
        target = [1 if won[lead_id] else 0 for lead_id in read_ids]
        return {
            "table": dict(table),
            "target": target,
            # one row per stage a lead passed through: the rows of a lead stay
            # together in the holdout and the cross-validation
            "groups": read_ids,
            "tag_ids": tag_ids,
            "sampling": {
                "closed_leads": total,
                "used": len(ids),
                "rows": len(read_ids),
                "rule": "most_recent",
            },
        }

    def _ai_tier_thresholds(self):
        return engine.fixed_thresholds(
            hot=self._ai_param(HOT_PARAM, 0, int, 0, 100),
            warm=self._ai_param(WARM_PARAM, 0, int, 0, 100),
        )

    def _ai_fit(self, data):
        country = self.env.company.country_id.code
        result = engine.evaluate(
            engine.LeadData(data["table"], data["target"], groups=data.get("groups")),
            min_per_class=self._ai_min_samples(),
            tier_thresholds=self._ai_tier_thresholds(),
            random_state=0,
            roles={"email": ["email"], "phone": [], "region": country or "ES"},
            # Odoo's predictive lead scoring: naive Bayes over these fields
            naive_bayes_columns={"odoo_native": ODOO_NATIVE_COLUMNS},
        )
        result.report.update(tag_ids=data["tag_ids"], design=TRAINING_DESIGN)
        if data.get("sampling"):
            result.report["sampling"] = data["sampling"]
        return result

    def _ai_regression_reason(self, result, data):
        """A model trained and judged on rows of another design is no yardstick."""
        Model = self.env["pyme.ai.model"].sudo()
        active = Model._get_active(self._ai_kind)
        if active and (active.report or {}).get("design") != TRAINING_DESIGN:
            return False
        return super()._ai_regression_reason(result, data)

    def _ai_after_activate(self, ai_model, previous):
        """A new active model rescores every open lead of its company: a cursor on
        the model walks them (no flag written on the leads)."""
        ai_model.sudo().write({"lead_rescore_after_id": 0, "lead_rescore_stripe": 0})
        return super()._ai_after_activate(ai_model, previous)

    # ------------------------------------------------------------------ applying
    def _ai_apply_domain(self, ai_model):
        """Open leads of the model's company whose score asks to be refreshed."""
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

    def _ai_company_sql(self, ai_model):
        return SQL("(company_id = %s OR company_id IS NULL)", ai_model.company_id.id)

    def _ai_walk_sql(self, ai_model, stripe_only=False):
        """The open leads of the company the model's cursor has not passed (with
        ``stripe_only``, those of its current stripe)."""
        stripe, after = ai_model.lead_rescore_stripe, ai_model.lead_rescore_after_id
        if after < 0:
            return SQL("FALSE")
        later = SQL("mod(id, %s) > %s", RESCORE_STRIPES, stripe)
        return SQL(
            "(%s AND %s AND (%s OR (mod(id, %s) = %s AND id > %s)))",
            self._ai_company_sql(ai_model),
            self.env["crm.lead"]._ai_open_sql("crm_lead"),
            SQL("FALSE") if stripe_only else later,
            RESCORE_STRIPES,
            stripe,
            after,
        )

    def _ai_unflag_never(self, ai_model):
        """Unflag the flagged leads the domain never scores (won, archived)."""
        Lead = self.env["crm.lead"]
        Lead.flush_model(["ai_needs_scoring", "active", "probability", "company_id"])
        self.env.cr.execute(
            SQL(
                "UPDATE crm_lead SET ai_needs_scoring = FALSE "
                "WHERE ai_needs_scoring AND %s AND NOT %s RETURNING id",
                self._ai_company_sql(ai_model),
                Lead._ai_open_sql("crm_lead"),
            )
        )
        never = [row[0] for row in self.env.cr.fetchall()]
        if never:
            Lead.invalidate_model(["ai_needs_scoring"])
        return never

    def _ai_next_rows(self, ai_model, limit, needed=None):
        """The stored rows (``_ai_lead_rows``) of the next leads to score, the
        model's cursor moved past them.

        Flagged leads (edited, or queued by "Score now") come first, through a
        partial index holding only them; then, after a new model, the open leads
        the model's cursor has not passed: stripe by stripe (id modulo
        ``RESCORE_STRIPES``), by id. A batch of one stripe holds a few rows of
        each table page: committed batch by batch, each update finds room on its
        page left by the previous batch, and PostgreSQL updates in place (HOT).
        """
        self._ai_unflag_never(ai_model)
        company = self._ai_company_sql(ai_model)
        flagged = SQL("ai_needs_scoring AND %s ORDER BY id LIMIT %s", company, limit)
        rows = self._ai_lead_rows(None, flagged, needed)
        model = ai_model.sudo()
        while model.lead_rescore_after_id >= 0 and len(rows["id"]) < limit:
            stripe, wanted = model.lead_rescore_stripe, limit - len(rows["id"])
            walk = self._ai_walk_sql(model, stripe_only=True)
            walked = self._ai_lead_rows(
                None, SQL("%s ORDER BY id LIMIT %s", walk, wanted), needed
            )
            if len(walked["id"]) == wanted:
                model.lead_rescore_after_id = walked["id"][-1]
            else:  # the stripe is done: the next one, or the end of the walk
                last = stripe + 1 == RESCORE_STRIPES
                model.lead_rescore_stripe = 0 if last else stripe + 1
                model.lead_rescore_after_id = -1 if last else 0
            seen = set(rows["id"])  # a flagged lead may be walked too
            new = [i for i, lead_id in enumerate(walked["id"]) if lead_id not in seen]
            if len(new) < len(walked["id"]):
                walked = {name: [col[i] for i in new] for name, col in walked.items()}
            for name, values in rows.items():
                values.extend(walked[name])
        return rows

    def _ai_count_pending(self, ai_model, estimate=False):
        """Leads still to score: the flagged ones and those the cursor has not
        passed; with ``estimate``, one batch for the latter while there are some
        (counting them scans the table)."""
        walking = estimate and ai_model.lead_rescore_after_id >= 0
        self.env.cr.execute(
            SQL(
                "SELECT COUNT(*) FROM crm_lead WHERE %s AND (ai_needs_scoring OR %s)",
                self._ai_company_sql(ai_model),
                SQL("FALSE") if estimate else self._ai_walk_sql(ai_model),
            )
        )
        return self.env.cr.fetchone()[0] + (self._ai_apply_batch_size * walking)

    def _ai_apply_pending(self, ai_model, apply=True):
        """Score one batch of pending leads (the runner commits and calls again
        while some remain); return (done, left)."""
        done = 0
        if apply:
            engine_model = ai_model._read_engine_model()
            needed = set(engine_model.required_columns())
            rows = self._ai_next_rows(ai_model, self._ai_apply_batch_size, needed)
            if rows["id"]:
                leads = self.env["crm.lead"].browse(rows["id"])
                self._ai_apply_batch(leads, engine_model, ai_model, rows=rows)
                done = len(leads)
        return done, self._ai_count_pending(ai_model, estimate=True)

    def _ai_pending_batches(self, ai_model):
        """Every batch of lead ids still to score, the model's cursor moved past
        them (for a job queue: each batch becomes one job): the flagged leads, then
        the open leads the cursor has not passed, in the cursor's order."""
        size = self._ai_apply_batch_size
        self._ai_unflag_never(ai_model)
        self.env.cr.execute(
            SQL(
                "SELECT id FROM crm_lead WHERE %s AND (ai_needs_scoring OR %s) "
                "ORDER BY NOT ai_needs_scoring, mod(id, %s), id",
                self._ai_company_sql(ai_model),
                self._ai_walk_sql(ai_model),
                RESCORE_STRIPES,
            )
        )
        ids = [row[0] for row in self.env.cr.fetchall()]
        ai_model.sudo().write({"lead_rescore_stripe": 0, "lead_rescore_after_id": -1})
        return [ids[i : i + size] for i in range(0, len(ids), size)]

    def _ai_apply(self, records, engine_model, ai_model, rows=None):
        """Score ``records`` (their ``rows`` when read already; no reasons: they
        are computed for the leads read) and write the leads whose score or tier
        changed, or scored by another model."""
        now = fields.Datetime.now()
        tag_ids = (ai_model.report or {}).get("tag_ids", [])
        needed = set(engine_model.required_columns())
        as_of = dict.fromkeys(records.ids, now)
        table, ids, state = self._ai_lead_table_state(
            records.ids, as_of, tag_ids, rows=rows, needed=needed
        )
        rated = engine_model.rate(table)
        scores, tiers = rated["score"].tolist(), rated["tier"]
        # written: a new score or tier, or the first score by this model (a new
        # baseline: its trend, and a deal's "score fell", follow the lead's changes,
        # not the model's)
        model_id = ai_model.id
        ours = [by == model_id for by in state["ai_score_model"]]
        old = [score or 0 for score in state["ai_score"]]
        changed = [
            i
            for i, (score, tier) in enumerate(zip(scores, tiers, strict=True))
            if score != old[i] or tier != state["ai_tier"][i] or not ours[i]
        ]
        previous = [old[i] if ours[i] else 0 for i in changed]
        trends = engine.score_trend(previous, [scores[i] for i in changed])
        probability = rated["probability"].tolist()
        # the history gets a row only when the score shown moved (not for a new
        # model's same score)
        values = [
            (ids[i], scores[i], probability[i], tiers[i], before or None, trend)
            + (scores[i] != old[i],)
            for i, before, trend in zip(changed, previous, trends, strict=True)
        ]
        flagged = [
            i for i, flag in zip(ids, state["ai_needs_scoring"], strict=True) if flag
        ]
        self._ai_write_scores(values, ai_model, now, flagged)

    def _ai_reasons(self, leads):
        """{lead id: reasons} of the active model's scores of ``leads`` (scored
        leads of the current company), seen when they were scored."""
        ai_model = self.env["pyme.ai.model"]._get_active(self._ai_kind)
        engine_model = ai_model._load_engine_model(retrain=False) if ai_model else None
        if engine_model is None:
            return {}
        as_of = {lead.id: lead.ai_score_date for lead in leads}
        tag_ids = (ai_model.report or {}).get("tag_ids", [])
        needed = set(engine_model.required_columns())
        table, ids, __ = self._ai_lead_table_state(
            leads.ids, as_of, tag_ids, needed=needed
        )
        return dict(zip(ids, engine_model.explain(table)["reasons"], strict=True))

    def _ai_write_scores(self, values, ai_model, now, flagged=()):
        """The new scores of a batch (id, score, probability, tier, previous score,
        trend, moved): COPY into a temporary table, then one UPDATE and one INSERT
        from it (no SQL text per lead). None of the columns set is indexed (nor
        changes the row's size), so rows are updated in place (HOT), each found by
        primary key (nested loop: the planner's hash of the table or bitmap of the
        ids was 30-40 % slower, bench/odoo_scale.py). History rows only for moved
        scores; ``flagged`` leads are unflagged either way."""
        self.env["crm.lead"].flush_model()
        cr = self.env.cr
        if values:
            cr.execute(
                "CREATE TEMP TABLE IF NOT EXISTS pyme_ai_lead_score_batch "
                "(id int, score int, probability float8, tier varchar, previous int, "
                "trend varchar, moved bool) ON COMMIT DROP; "
                "TRUNCATE pyme_ai_lead_score_batch"
            )
            buffer = io.StringIO()
            for lead_id, score, probability, tier, previous, trend, moved in values:
                previous = "\\N" if previous is None else previous
                buffer.write(
                    f"{lead_id}\t{score}\t{probability!r}\t{tier}\t{previous}\t{trend}"
                    f"\t{'t' if moved else 'f'}\n"
                )
            buffer.seek(0)
            cr.copy_expert("COPY pyme_ai_lead_score_batch FROM STDIN", buffer)
            cr.execute(
                SQL(
                    """
                    SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off;
                    UPDATE crm_lead l
                       SET ai_score = v.score, ai_probability = v.probability,
                           ai_tier = v.tier, ai_score_previous = v.previous,
                           ai_score_trend = v.trend, ai_score_date = %(now)s,
                           ai_score_model = %(model)s, ai_needs_scoring = FALSE
                      FROM pyme_ai_lead_score_batch v
                     WHERE l.id = v.id;
                    INSERT INTO pyme_ai_lead_score
                           (lead_id, date, score, probability, tier, model_id)
                    SELECT id, %(now)s, score, probability, tier, %(model)s
                      FROM pyme_ai_lead_score_batch
                     WHERE moved; RESET enable_hashjoin; RESET enable_mergejoin
                    """,
                    now=now,
                    model=ai_model.id,
                )
            )
        if flagged:
            # the flagged leads whose score did not change (the others are unflagged)
            cr.execute(
                SQL(
                    "UPDATE crm_lead SET ai_needs_scoring = FALSE "
                    "WHERE id = ANY(%s) AND ai_needs_scoring",
                    sql_array(flagged),
                )
            )
        Lead = self.env["crm.lead"]
        Lead.invalidate_model([name for name in Lead._fields if name[:3] == "ai_"])
        self.env["pyme.ai.lead.score"].invalidate_model()
