# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .pyme_ai_product_forecast import DEMAND_CLASSES

# Values copied from the per-warehouse rows (see _ai_update_products).
AI_PRODUCT_FIELDS = (
    "ai_daily_demand",
    "ai_forecast_qty",
    "ai_stockout_date",
    "ai_stockout_probability",
    "ai_days_of_cover",
    "ai_stockout_within_lead",
    "ai_demand_class",
    "ai_forecast_method",
    "ai_forecast_error",
    "ai_forecast_date",
)
CHART_WIDTH = 320
CHART_HEIGHT = 80


class ProductProduct(models.Model):
    _inherit = "product.product"

    # Stored aggregates over the warehouses (for lists, filters and sorting): total
    # demand, earliest stock-out, highest risk, shortest cover; class, method and
    # error of the warehouse with the most demand.
    ai_daily_demand = fields.Float(
        string="AI Daily Demand",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Forecast mean demand per day, all warehouses together.",
    )
    ai_forecast_qty = fields.Float(
        string="AI Forecast Demand",
        digits="Product Unit of Measure",
        readonly=True,
        copy=False,
        help="Forecast demand over the horizon set in the AI settings.",
    )
    ai_stockout_date = fields.Date(
        string="AI Stock-out Date",
        readonly=True,
        copy=False,
        index=True,
        help="Earliest day a warehouse is expected to run out (empty: not within a "
        "year, or no demand).",
    )
    ai_stockout_probability = fields.Float(
        string="AI Stock-out Probability",
        digits=(16, 4),
        readonly=True,
        copy=False,
        help="Highest chance, over the warehouses, of running out before a "
        "replenishment ordered today can arrive.",
    )
    ai_days_of_cover = fields.Float(
        string="AI Days of Cover",
        digits=(16, 1),
        readonly=True,
        copy=False,
        help="Shortest cover over the warehouses with demand: on hand divided by "
        "the daily demand.",
    )
    ai_stockout_within_lead = fields.Boolean(
        string="AI Stock-out Within Lead Time",
        readonly=True,
        copy=False,
        index=True,
        help="A warehouse runs out before a replenishment ordered today arrives.",
    )
    ai_demand_class = fields.Selection(
        DEMAND_CLASSES, string="AI Demand Class", readonly=True, copy=False
    )
    ai_forecast_method = fields.Char(
        string="AI Forecast Method", readonly=True, copy=False
    )
    ai_forecast_error = fields.Float(
        string="AI Forecast Error",
        digits=(16, 3),
        readonly=True,
        copy=False,
        help="Backtest RMSSE of the chosen method (lower is better).",
    )
    ai_forecast_date = fields.Datetime(
        string="AI Forecast On", readonly=True, copy=False
    )
    ai_forecast_ids = fields.One2many(
        "pyme.ai.product.forecast",
        "product_id",
        string="AI Warehouse Forecasts",
        readonly=True,
    )
    ai_forecast_chart = fields.Html(
        string="AI Forecast Chart", compute="_compute_ai_forecast_chart", sanitize=False
    )

    @api.depends("ai_forecast_ids.chart_data")
    @api.depends_context("warehouse_id")
    def _compute_ai_forecast_chart(self):
        """Server-side SVG: history bars and forecast line (context warehouse, or
        all warehouses summed)."""
        warehouse_id = self.env.context.get("warehouse_id")
        if not isinstance(warehouse_id, int):
            warehouse_id = False
        for product in self:
            rows = product.ai_forecast_ids.filtered(
                lambda r: (
                    r.chart_data
                    and (not warehouse_id or r.warehouse_id.id == warehouse_id)
                )
            )
            product.ai_forecast_chart = _chart_svg(
                [r.chart_data for r in rows],
                self.env._("History"),
                self.env._("Forecast"),
            )

    def action_ai_forecast_now(self):
        """Queue a new forecast of these products (never computed in the request)."""
        if not self.env.user.has_group("stock.group_stock_manager"):
            raise AccessError(
                self.env._("Only inventory administrators can request forecasts.")
            )
        forecasting = self.env["pyme.ai.demand.forecasting"].sudo()
        companies = self.company_id or self.env.companies
        has_model = any(
            self.env["pyme.ai.model"].sudo()._get_active(forecasting._ai_kind, company)
            for company in companies
        )
        if has_model:
            # stale rows put the products back in the apply cron's domain
            self.env["pyme.ai.product.forecast"].sudo().search(
                [("product_id", "in", self.ids)]
            ).write({"date": False})
            forecasting._ai_trigger_apply()
        else:
            forecasting._ai_trigger_training()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "The forecast has been queued; reload the product in a few minutes."
                ),
                "sticky": False,
            },
        }


def _chart_svg(series, history_label, forecast_label):
    """Sum the per-warehouse series and draw them as an inline SVG."""
    if not series:
        return False
    history, forecast = [], []
    for data in series:
        for target, key in ((history, "history"), (forecast, "mean")):
            values = data.get(key) or []
            if len(target) < len(values):
                target.extend([0.0] * (len(values) - len(target)))
            for i, value in enumerate(values):
                target[i] += value or 0.0
    total = len(history) + len(forecast)
    top = max(history + forecast + [0.0])
    if not total or top <= 0:
        return False
    step = CHART_WIDTH / total
    scale = (CHART_HEIGHT - 4) / top

    def y(value):
        return CHART_HEIGHT - value * scale

    bars = Markup("").join(
        Markup('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="#8f8f8f"/>')
        % (i * step, y(v), max(step - 1, 1), v * scale)
        for i, v in enumerate(history)
    )
    start = len(history)

    def points(values):
        return " ".join(
            f"{(start + i + 0.5) * step:.1f},{y(v):.1f}" for i, v in enumerate(values)
        )

    lines = Markup("")
    if forecast:
        lines += Markup(
            '<polyline points="%s" fill="none" stroke="#017e84" stroke-width="2"/>'
        ) % points(forecast)
    divider = Markup('<line x1="%.1f" y1="0" x2="%.1f" y2="%d" stroke="#d0d0d0"/>') % (
        start * step,
        start * step,
        CHART_HEIGHT,
    )
    legend = Markup(
        '<div class="small text-muted"><span style="color:#8f8f8f">■</span> %s '
        '<span style="color:#017e84">━</span> %s</div>'
    ) % (history_label, forecast_label)
    return (
        Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" class="o_pyme_ai_forecast_chart" '
            'width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-label="%s">'
            "%s%s%s</svg>"
        )
        % (
            CHART_WIDTH,
            CHART_HEIGHT,
            CHART_WIDTH,
            CHART_HEIGHT,
            forecast_label,
            bars,
            divider,
            lines,
        )
        + legend
    )
