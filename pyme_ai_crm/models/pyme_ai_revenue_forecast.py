# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Revenue forecast: expected won revenue this month and next, with an interval.

Training learns the days from creation to a won close of past deals
(``ClosingDistribution``) and backtests the forecast on the last months. Applying
forecasts every open opportunity of the company at once (AI probability when the
lead has an AI score, else Odoo's probability) and replaces the report lines.
"""

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.translate import LazyTranslate

from pyme_ai.sales import (
    ClosingDistribution,
    backtest_forecast,
    forecast_revenue,
)
from pyme_ai.training import TrainingResult

_lt = LazyTranslate(__name__)

BACKTEST_MONTHS = 6
FORECAST_MONTHS = 2


class PymeAiRevenueForecast(models.AbstractModel):
    _name = "pyme.ai.revenue.forecast"
    _inherit = "pyme.ai.capability"
    _description = "AI Revenue Forecast"

    _ai_kind = "revenue_forecast"
    _ai_kind_label = _lt("Revenue forecast")
    _ai_train_cron_xmlid = "pyme_ai_crm.ir_cron_train_revenue_forecast"
    _ai_apply_cron_xmlid = "pyme_ai_crm.ir_cron_revenue_forecast"

    def _ai_deals(self, domain):
        """Opportunities of the current company as engine deal dicts."""
        rows = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            .search_read(
                domain
                + [
                    ("type", "=", "opportunity"),
                    ("company_id", "in", [self.env.company.id, False]),
                ],
                [
                    "create_date",
                    "date_closed",
                    "active",
                    "probability",
                    "expected_revenue",
                    "ai_probability",
                    "ai_score_date",
                    "team_id",
                    "user_id",
                ],
            )
        )
        deals = []
        for row in rows:
            ai = bool(row["ai_score_date"])
            deals.append(
                {
                    "id": row["id"],
                    "created": row["create_date"],
                    "reference_date": row["create_date"],
                    "closed": row["date_closed"] or None,
                    "won": row["active"] and row["probability"] == 100,
                    "amount": row["expected_revenue"] or 0.0,
                    "probability": row["ai_probability"]
                    if ai
                    else row["probability"] / 100.0,
                    "ai": ai,
                    "team": row["team_id"] and row["team_id"][0],
                    "salesperson": row["user_id"] and row["user_id"][0],
                }
            )
        return deals

    def _ai_training_data(self):
        deals = self._ai_deals([])
        won = sum(1 for d in deals if d["won"] and d["closed"])
        minimum = self._ai_min_samples()
        if won < minimum:
            raise UserError(
                self.env._(
                    "Not enough won opportunities with a closing date: %(n)s, at "
                    "least %(min)s are needed.",
                    n=won,
                    min=minimum,
                )
            )
        return deals

    def _ai_fit(self, deals):
        won = [d for d in deals if d["won"] and d["closed"]]
        min_samples = self._ai_min_samples()
        closing = ClosingDistribution.fit(
            [(d["closed"] - d["created"]).total_seconds() / 86400 for d in won],
            min_samples=min_samples,
        )
        # Backtest: past deals get the win rate of all closed deals as probability
        # (their AI probability was computed later and would leak the outcome), so
        # the backtest measures the closing-date model and the interval.
        closed = [d for d in deals if d["closed"]]
        rate = sum(d["won"] for d in closed) / len(closed) if closed else 0.0
        history = [dict(d, probability=rate) for d in deals]
        first = fields.Date.context_today(self).replace(day=1)
        months = [
            first - relativedelta(months=k) for k in range(BACKTEST_MONTHS, 0, -1)
        ]
        backtest = backtest_forecast(history, months, min_samples=min_samples)
        metrics = {
            "backtest_mape": backtest["mape"],
            "backtest_mae": backtest["mae"],
            "backtest_coverage": backtest["coverage"],
            "backtest_months": backtest["n_months"],
            "won_deals": len(won),
        }
        return TrainingResult(
            model={"closing": closing.to_dict(), "backtest": backtest},
            metrics=metrics,
            primary_metric="backtest_mape",
            higher_is_better=False,
            n_rows=len(deals),
            report={"backtest": backtest},
        )

    def _ai_regression_reason(self, result, data):
        # Each training backtests other months: the errors are not comparable.
        return False

    @api.model
    def _cron_ai_apply(self):
        """Replace the forecast lines of every company with an active model."""
        companies = self._ai_companies()
        for company in companies:
            capability = self.with_company(company)
            ai_model = (
                self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind, company)
            )
            engine_model = ai_model._load_engine_model() if ai_model else None
            if engine_model is not None:
                capability._ai_apply_batch(self.env["crm.lead"], engine_model, ai_model)
        self.env["ir.cron"]._notify_progress(done=len(companies), remaining=0)

    def _ai_apply(self, records, engine_model, ai_model):
        company = self.env.company
        now = fields.Datetime.now()
        deals = [
            d
            for d in self._ai_deals([("active", "=", True), ("probability", "<", 100)])
        ]
        closing = ClosingDistribution.from_dict(engine_model["closing"])
        forecast = forecast_revenue(
            deals, closing, now=now, months=FORECAST_MONTHS, seed=0
        )
        prorated = self._odoo_prorated(forecast["months"])
        backtest = engine_model["backtest"]
        common = {
            "company_id": company.id,
            "date": now,
            "model_id": ai_model.id,
            "backtest_mape": (backtest["mape"] or 0.0) * 100,
            "backtest_coverage": (backtest["coverage"] or 0.0) * 100,
            "backtest_months": backtest["n_months"],
        }
        n_ai = sum(d["ai"] for d in deals)
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
        return n_ai

    def _odoo_prorated(self, months):
        """Odoo's prorated revenue of open opportunities closing (expected) in each
        forecast month, per level: {(level, (month, team, user)): amount}."""
        start = fields.Date.to_date(months[0]["start"])
        end = start + relativedelta(months=len(months))
        domain = [
            ("type", "=", "opportunity"),
            ("probability", "<", 100),
            ("company_id", "in", [self.env.company.id, False]),
            ("date_deadline", ">=", start),
            ("date_deadline", "<", end),
        ]
        result = {}
        for month, team, user, total in self.env["crm.lead"]._read_group(
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
