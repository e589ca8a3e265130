# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date, formatLang

from odoo.addons.pyme_ai_base.tools import notify

from pyme_ai.demand.chart import legend_html, projection_svg

from .pyme_ai_product_forecast import DEMAND_CLASSES, METHODS, probability_text

# Values copied from the company's warehouse rows (see _ai_update_products).
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
#: Only stock users read the AI figures, over RPC too.
STOCK_USERS = "stock.group_stock_user"
#: Written by the apply cron per company; each company reads its own warehouses'.
AI_FIELD = dict(company_dependent=True, readonly=True, copy=False, groups=STOCK_USERS)
#: Texts computed for the reader (summary line; notice and promotions line).
SUMMARY = dict(compute="_compute_ai_forecast_summary", groups=STOCK_USERS)
NOTICE = dict(compute="_compute_ai_forecast_notice", groups=STOCK_USERS)


class ProductProduct(models.Model):
    _inherit = "product.product"

    # Company-dependent: each company sees the figures of its own warehouses only
    # (total demand, earliest stock-out, highest risk, shortest cover; class, method
    # and error of the warehouse with the most demand).
    ai_daily_demand = fields.Float(
        "AI Daily Demand",
        digits="Product Unit of Measure",
        help="Forecast mean demand per day, the company's warehouses together.",
        **AI_FIELD,
    )
    ai_forecast_qty = fields.Float(
        "AI Forecast Demand",
        digits="Product Unit of Measure",
        help="Forecast demand over the horizon set in the AI settings.",
        **AI_FIELD,
    )
    ai_stockout_date = fields.Date(
        "AI Stock-out Date",
        help="Earliest day a warehouse of the company is more likely out of stock "
        "than not (empty: not within the days projected, or no demand).",
        **AI_FIELD,
    )
    ai_stockout_probability = fields.Float(
        "AI Stock-out Probability",
        digits=(16, 4),
        help="Highest chance, over the company's warehouses, of being out of stock "
        "on some day before a replenishment ordered today can arrive.",
        **AI_FIELD,
    )
    ai_days_of_cover = fields.Float(
        "AI Days of Cover",
        digits=(16, 0),
        help="Days until the stock-out date (on hand and confirmed receipts against "
        "the forecast demand); empty when it is further than the days projected.",
        **AI_FIELD,
    )
    ai_stockout_within_lead = fields.Boolean(
        "AI Stock-out Within Lead Time",
        help="A warehouse is likely out before a replenishment ordered today arrives.",
        **AI_FIELD,
    )
    ai_demand_class = fields.Selection(DEMAND_CLASSES, "AI Demand Class", **AI_FIELD)
    ai_forecast_method = fields.Selection(METHODS, "AI Forecast Method", **AI_FIELD)
    ai_forecast_error = fields.Float(
        "AI Forecast Error",
        digits=(16, 3),
        help="Error of past forecasts against what happened (RMSSE, lower is better).",
        **AI_FIELD,
    )
    ai_forecast_date = fields.Datetime("AI Forecast On", **AI_FIELD)
    ai_forecast_ids = fields.One2many(
        "pyme.ai.product.forecast",
        "product_id",
        string="AI Warehouse Forecasts",
        readonly=True,
        groups=STOCK_USERS,
    )
    ai_company_forecast_ids = fields.One2many(
        "pyme.ai.product.forecast",
        string="AI Forecasts per Warehouse",
        compute="_compute_ai_company_forecast_ids",
        groups=STOCK_USERS,
        help="The forecasts of the current company's warehouses.",
    )
    ai_forecast_summary = fields.Char("AI Forecast Summary", **SUMMARY)
    ai_stockout_risk = fields.Char("AI Stock-out Risk", **SUMMARY)
    ai_cover_display = fields.Char("AI Cover", **SUMMARY)
    ai_forecast_notice = fields.Char("AI Notice", **NOTICE)
    ai_promotions_note = fields.Char("AI Promotions", **NOTICE)
    ai_forecast_chart = fields.Html(
        string="AI Forecast Chart",
        compute="_compute_ai_forecast_chart",
        sanitize=False,
        groups=STOCK_USERS,
    )

    @api.depends_context("company", "lang")
    def _compute_ai_forecast_notice(self):
        """Why there are no forecasts (too little history...), where users look, and
        whether known promotions were used."""
        forecasting = self.env["pyme.ai.demand.forecasting"]
        self.ai_forecast_notice = forecasting._ai_notice()
        self.ai_promotions_note = forecasting._ai_promotions_note()

    @api.depends("ai_forecast_ids.company_id")
    @api.depends_context("company")
    def _compute_ai_company_forecast_ids(self):
        for product in self:
            product.ai_company_forecast_ids = product.ai_forecast_ids.filtered(
                lambda r: r.company_id == self.env.company
            )

    @api.depends_context("lang", "company")
    @api.depends(
        "ai_forecast_qty",
        "ai_forecast_method",
        "ai_stockout_probability",
        "ai_forecast_date",
    )
    def _compute_ai_forecast_summary(self):
        forecasting = self.env["pyme.ai.demand.forecasting"]
        days = forecasting._ai_horizon_days()
        labels = dict(
            self._fields["ai_forecast_method"]._description_selection(self.env)
        )
        for product in self:
            product.ai_cover_display = (
                self.env._(
                    "%s days", formatLang(self.env, product.ai_days_of_cover, digits=0)
                )
                if product.ai_stockout_date
                else self.env._("more than %s days", days)
            )
            if not product.ai_forecast_date:
                product.ai_forecast_summary = product.ai_stockout_risk = False
                continue
            product.ai_forecast_summary = self.env._(
                "%(qty)s %(unit)s in the next %(days)s days (%(method)s)",
                qty=formatLang(self.env, product.ai_forecast_qty, digits=1),
                unit=product.uom_id.name,
                days=days,
                method=labels.get(product.ai_forecast_method, "").lower(),
            )
            product.ai_stockout_risk = probability_text(
                self.env, product.ai_stockout_probability
            )

    @api.depends("ai_forecast_ids.chart_data")
    @api.depends_context("warehouse_id", "lang", "company")
    def _compute_ai_forecast_chart(self):
        """Server-side SVG of the warehouse in context, else of the company's
        warehouse with the most demand."""
        warehouse_id = self.env.context.get("warehouse_id")
        if not isinstance(warehouse_id, int):
            warehouse_id = False
        for product in self:
            rows = product.ai_forecast_ids.filtered(
                lambda r: (
                    r.chart_data
                    and r.company_id == self.env.company
                    and (not warehouse_id or r.warehouse_id.id == warehouse_id)
                )
            ).sorted(lambda r: (-r.daily_demand, r.warehouse_id.id))
            product.ai_forecast_chart = (
                chart_svg(self.env, rows[0], product.uom_id.name) if rows else False
            )

    def action_ai_forecast_now(self):
        """Queue a new forecast of these products (never computed in the request);
        the current figures and suggestions stay until the new ones are written."""
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
            # flagged rows put the products back in the apply cron's domain
            self.env["pyme.ai.product.forecast"].sudo().search(
                [("product_id", "in", self.ids)]
            ).write({"refresh_requested": True})
            forecasting._ai_trigger_apply()
        else:
            forecasting._ai_trigger_training()
        message = self.env._(
            "The forecast has been queued; the current figures stay until "
            "the new ones are written (reload in a few minutes)."
        )
        return notify(self.env, message)


def chart_svg(env, row, unit):
    """The projection chart of a forecast row (see :mod:`pyme_ai.demand.chart`)
    in the reader's language, with its legend."""
    today = row.date.date() if row.date else fields.Date.context_today(row)
    svg = projection_svg(
        row.chart_data or {},
        today,
        {"title": env._("Projected stock"), "unit": unit},
        lambda value: formatLang(env, value, digits=0),
        lambda when, short: format_date(env, when, date_format="d MMM"),
        lambda qty, when: env._(
            "Receipt of %(qty)s %(unit)s on %(date)s",
            qty=formatLang(env, qty, digits=0),
            unit=unit,
            date=format_date(env, when),
        ),
    )
    if not svg:
        return False
    legend = legend_html(
        [
            env._("Weekly demand"),
            env._("Projected stock (median)"),
            env._("50-90 % band: stock if demand is higher"),
            env._("Reorder point"),
            env._("On hand today"),
            env._("Confirmed receipts"),
        ]
    )
    return Markup(svg + legend)
