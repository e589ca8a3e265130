# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue forecast: expected won revenue this month and next, with an interval.

Training (``pyme_ai.sales.RevenueForecastModel``) learns the days from creation to
a won close of past deals and backtests the forecast on the last months. Applying
forecasts every open opportunity of the company at once (AI probability when the
lead has an AI score, else Odoo's probability) and replaces the report lines.
"""

import functools

from dateutil.relativedelta import relativedelta

from odoo import fields, models
from odoo.tools import SQL
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice

from pyme_ai.sales import evaluate_revenue_forecast

_lt = LazyTranslate(__name__)


class PymeAiRevenueForecast(models.AbstractModel):
    _name = "pyme.ai.revenue.forecast"
    _inherit = "pyme.ai.capability"
    _description = "AI Revenue Forecast"

    _ai_kind = "revenue_forecast"
    _ai_kind_label = _lt("Revenue forecast")
    _ai_train_cron_xmlid = "pyme_ai_crm_pipeline.ir_cron_train_revenue_forecast"
    _ai_apply_cron_xmlid = "pyme_ai_crm_pipeline.ir_cron_revenue_forecast"
    _ai_apply_mode = "company"
    # Each training backtests other months: the errors are not comparable.
    _ai_protect_active = False
    _ai_notices = {
        "few_won_deals": _lt(
            "The AI needs %(min)s won opportunities with a closing date to learn "
            "from; there are %(n)s."
        ),
    }
    _ai_metrics = {
        "backtest_mape": (_lt("Backtest error (MAPE)"), "lower"),
        "backtest_mae": (_lt("Backtest mean absolute error"), "lower"),
        "backtest_coverage": (_lt("Backtest interval coverage"), "higher"),
        "backtest_months": (_lt("Backtest months"), "higher"),
        "won_deals": (_lt("Won deals learnt from"), "higher"),
    }

    def _ai_deals(self, domain):
        """Opportunities of the current company as engine deal dicts, read in one
        query (search_read's formatting cost 20 s per 300,000 deals)."""
        Lead = self.env["crm.lead"].with_context(active_test=False)
        domain = domain + [("type", "=", "opportunity")] + Lead._ai_company_domain()
        won = Lead._search(domain + Lead._ai_won_domain())
        names = ["id", "create_date", "date_closed", "probability", "expected_revenue"]
        names += ["ai_probability", "ai_score_date", "team_id", "user_id"]
        column = functools.partial(Lead._field_to_sql, Lead._table)
        query = Lead._search(domain).select(
            *(SQL("%s AS %s", column(name), SQL.identifier(name)) for name in names),
            SQL("%s IN %s AS won", column("id"), won.subselect()),
        )
        deals = []
        for row in self.env.execute_query_dict(query):  # fields flushed
            ai = bool(row["ai_score_date"])
            deals.append(
                {
                    "id": row["id"],
                    "created": row["create_date"],
                    "reference_date": row["create_date"],
                    "closed": row["date_closed"],
                    "won": row["won"],
                    "amount": row["expected_revenue"] or 0.0,
                    "probability": row["ai_probability"]
                    if ai
                    else (row["probability"] or 0.0) / 100.0,
                    "ai": ai,
                    "team": row["team_id"] or False,
                    "salesperson": row["user_id"] or False,
                }
            )
        return deals

    def _ai_training_data(self):
        deals = self._ai_deals([])
        won = sum(1 for d in deals if d["won"] and d["closed"])
        minimum = self._ai_min_samples()
        if won < minimum:
            raise AiNotice(self, "few_won_deals", n=won, min=minimum)
        return deals

    def _ai_fit(self, deals):
        return evaluate_revenue_forecast(
            deals,
            now=fields.Date.context_today(self),
            min_samples=self._ai_min_samples(),
        )

    def _ai_apply(self, records, engine_model, ai_model):
        """Replace the forecast lines of the company ``records``."""
        company = records
        now = fields.Datetime.now()
        deals = self._ai_deals(self.env["crm.lead"]._ai_open_domain())
        forecast = engine_model.predict(deals, now=now)
        prorated = self._odoo_prorated(forecast["months"])
        backtest = engine_model.backtest_
        common = {
            "company_id": company.id,
            "date": now,
            "model_id": ai_model.id,
            "backtest_mape": (backtest["mape"] or 0.0) * 100,
            "backtest_coverage": (backtest["coverage"] or 0.0) * 100,
            "backtest_months": backtest["n_months"],
        }
        values = []
        levels = [
            (
                "company",
                None,
                [{"value": None, "n_deals": len(deals), "months": forecast["months"]}],
            )
        ]
        levels += [
            (level, field, forecast["groups"][field])
            for level, field in (("team", "team"), ("salesperson", "salesperson"))
        ]
        for level, field, groups in levels:
            for group in groups:
                members = [
                    d for d in deals if field is None or d[field] == group["value"]
                ]
                for row in group["months"]:
                    month = fields.Date.to_date(row["start"])
                    key = (
                        month,
                        group["value"] if field == "team" else None,
                        group["value"] if field == "salesperson" else None,
                    )
                    values.append(
                        dict(
                            common,
                            level=level,
                            month=month,
                            team_id=key[1] or False,
                            user_id=key[2] or False,
                            expected=row["mean"],
                            low=row["low"],
                            high=row["high"],
                            odoo_prorated=prorated.get((level, key), 0.0),
                            n_deals=group["n_deals"],
                            n_ai_scored=sum(d["ai"] for d in members),
                        )
                    )
        Line = self.env["pyme.ai.revenue.forecast.line"].sudo()
        Line.search([("company_id", "=", company.id)]).unlink()
        Line.create(values)

    def _odoo_prorated(self, months):
        """Odoo's prorated revenue of open opportunities closing (expected) in each
        forecast month, per level: {(level, (month, team, user)): amount}."""
        start = fields.Date.to_date(months[0]["start"])
        end = start + relativedelta(months=len(months))
        Lead = self.env["crm.lead"]
        domain = [
            ("type", "=", "opportunity"),
            ("date_deadline", ">=", start),
            ("date_deadline", "<", end),
        ]
        domain += Lead._ai_open_domain() + Lead._ai_company_domain()
        result = {}
        for month, team, user, total in Lead._read_group(
            domain,
            ["date_deadline:month", "team_id", "user_id"],
            ["prorated_revenue:sum"],
        ):
            month = month.replace(day=1)
            for level, key in (
                ("company", (month, None, None)),
                ("team", (month, team.id or None, None)),
                ("salesperson", (month, None, user.id or None)),
            ):
                result[(level, key)] = result.get((level, key), 0.0) + total
        return result
