# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import fields, models


class PymeAiRevenueForecastLine(models.Model):
    """Expected won revenue of one month, for the company, a team or a salesperson."""

    _name = "pyme.ai.revenue.forecast.line"
    _description = "AI Revenue Forecast Line"
    _order = "month, level, team_id, user_id"

    company_id = fields.Many2one("res.company", required=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level = fields.Selection(
        [
            ("company", "Company"),
            ("team", "Sales Team"),
            ("salesperson", "Salesperson"),
        ],
        required=True,
        index=True,
    )
    month = fields.Date(required=True, help="First day of the month.")
    team_id = fields.Many2one("crm.team", string="Sales Team", index=True)
    user_id = fields.Many2one("res.users", string="Salesperson", index=True)
    expected = fields.Monetary(
        string="Expected Revenue (AI)",
        currency_field="currency_id",
        help="Sum over open opportunities of revenue x win probability x the "
        "probability of closing in this month.",
    )
    low = fields.Monetary(
        string="Low (10%)",
        currency_field="currency_id",
        aggregator=False,
        help="Won revenue is below this in 10% of the simulations.",
    )
    high = fields.Monetary(
        string="High (90%)",
        currency_field="currency_id",
        aggregator=False,
        help="Won revenue is below this in 90% of the simulations.",
    )
    odoo_prorated = fields.Monetary(
        string="Odoo Prorated Revenue",
        currency_field="currency_id",
        help="Odoo's own forecast: prorated revenue of the open opportunities whose "
        "expected closing is in this month.",
    )
    n_deals = fields.Integer(string="Open Opportunities")
    n_ai_scored = fields.Integer(
        string="With AI Score",
        help="Opportunities forecast with their AI probability; the others use "
        "Odoo's probability.",
    )
    backtest_mape = fields.Float(
        string="Backtest Error (%)",
        aggregator="max",
        digits=(16, 1),
        help="Mean absolute percentage error of this forecast replayed on past months.",
    )
    backtest_coverage = fields.Float(
        string="Backtest Interval Coverage (%)",
        aggregator="max",
        digits=(16, 1),
        help="Share of past months whose won revenue fell inside the interval.",
    )
    backtest_months = fields.Integer(aggregator="max")
    model_id = fields.Many2one("pyme.ai.model", string="AI Model", readonly=True)
    date = fields.Datetime(string="Computed On")
