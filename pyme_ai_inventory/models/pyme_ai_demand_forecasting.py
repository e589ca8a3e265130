# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Demand forecasting: stock move history read in SQL, fed to pyme_ai.demand.

Items of the engine are ``"<product id>:<warehouse id>"``: one series per product and
warehouse of the company. Demand = done move lines from the warehouse's internal
locations to customer locations, minus customer returns (done lines from customer
locations back into them), in the product's unit of measure
(``stock.move.line.quantity_product_uom``, stored by Odoo). Known promotions (see
``_ai_promotions``) go with the history; the engine uses them only where they lower
its held-out error and reports the decision (``report["promotions"]``).
"""

import datetime
import json
import math
from collections import defaultdict

from odoo import api, fields, models
from odoo.tools import SQL
from odoo.tools.misc import format_date, formatLang
from odoo.tools.translate import LazyTranslate

from odoo.addons.pyme_ai_base.tools import AiNotice

from pyme_ai import demand as engine

from .product_product import AI_PRODUCT_FIELDS

_lt = LazyTranslate(__name__)

HORIZON_PARAM = "pyme_ai_inventory.horizon_days"
SERVICE_LEVEL_PARAM = "pyme_ai_inventory.service_level"
REVIEW_PARAM = "pyme_ai_inventory.review_days"
LEAD_PARAM = "pyme_ai_inventory.default_lead_days"
ACTIVITIES_PARAM = "pyme_ai_inventory.activities"
DEFAULT_HORIZON = 28
DEFAULT_SERVICE_LEVEL = 0.95
DEFAULT_REVIEW = 7
DEFAULT_LEAD = 7
#: Periods are weeks: daily series of an SME's products are mostly zeros.
FREQ = "W"
PERIOD_DAYS = int(engine.PERIOD_DAYS[FREQ])
#: History read for training (days) and shown in the chart (periods).
HISTORY_DAYS = 3 * 365
CHART_PERIODS = 26
#: New products pooled from their category: created within these days, and the
#: category needs this many products with history in the warehouse.
NEW_PRODUCT_DAYS = 180
POOL_MIN_PRODUCTS = 3


def _item(product_id, warehouse_id):
    """Engine item id of a product in a warehouse."""
    return f"{product_id}:{warehouse_id}"


class PymeAiDemandForecasting(models.AbstractModel):
    _name = "pyme.ai.demand.forecasting"
    _inherit = "pyme.ai.capability"
    _description = "AI Demand Forecasting"

    _ai_kind = "demand_forecast"
    _ai_kind_label = _lt("Demand forecast")
    _ai_train_cron_xmlid = "pyme_ai_inventory.ir_cron_train_demand"
    _ai_apply_cron_xmlid = "pyme_ai_inventory.ir_cron_forecast_demand"
    _ai_apply_mode = "batch"
    _ai_target_model = "product.product"
    _ai_apply_batch_size = 2000
    # Each training is scored on a different (the latest) horizon, so the scores of
    # two trainings are not comparable, and an older model is by construction blind
    # to the most recent demand: a new model always replaces the active one (a failed
    # training still keeps it).
    _ai_protect_active = False
    _ai_notices = {
        "few_delivery_days": _lt(
            "The AI needs %(minimum)s days with deliveries to customers in the last "
            "three years to forecast demand; there are %(rows)s."
        ),
    }
    _ai_metrics = {
        "rmsse": (_lt("RMSSE"), "lower"),
        "mase": (_lt("MASE"), "lower"),
        "pinball_0.5": (_lt("Pinball loss of the median"), "lower"),
        "pinball_0.9": (_lt("Pinball loss of the 90% quantile"), "lower"),
        "pinball_0.95": (_lt("Pinball loss of the 95% quantile"), "lower"),
        "coverage_0.5": (_lt("Coverage of the median (ideal 50%)"), "target"),
        "coverage_0.9": (_lt("Coverage of the 90% quantile (ideal 90%)"), "target"),
        "coverage_0.95": (_lt("Coverage of the 95% quantile (ideal 95%)"), "target"),
        "n_items": (_lt("Products and warehouses scored"), "higher"),
    }

    # ------------------------------------------------------------------ settings
    def _ai_horizon_days(self):
        return self._ai_param(HORIZON_PARAM, DEFAULT_HORIZON, int, 1, 730)

    def _ai_horizon_periods(self):
        return max(math.ceil(self._ai_horizon_days() / PERIOD_DAYS), 1)

    def _ai_service_level(self):
        level = self._ai_param(SERVICE_LEVEL_PARAM, DEFAULT_SERVICE_LEVEL)
        return level if 0.5 <= level < 1 else DEFAULT_SERVICE_LEVEL

    def _ai_review_days(self):
        return self._ai_param(REVIEW_PARAM, DEFAULT_REVIEW, int, 0, 365)

    def _ai_default_lead_days(self):
        return self._ai_param(LEAD_PARAM, DEFAULT_LEAD, int, 0, 365)

    def _ai_activities_enabled(self):
        value = self.env["ir.config_parameter"].sudo().get_param(ACTIVITIES_PARAM)
        return value not in (None, False, "", "False", "0")

    # ------------------------------------------------------------------ history
    @api.model
    def _ai_today(self):
        """Today in UTC, like the move dates bucketed in SQL and the cron's rows."""
        return fields.Datetime.now().date()

    @api.model
    def _ai_period_start(self, day):
        """First day of the period (week, Monday) containing ``day``."""
        return day - datetime.timedelta(days=day.weekday())

    def _ai_history(self, since, until, product_ids=None):
        """Net customer demand per (product, warehouse, day) of ``self.env.company``.

        One aggregate query: rows ``(product_id, warehouse_id, day, qty)`` with
        ``since <= day < until``; quantities in the product's unit of measure.
        """
        self.env["stock.move.line"].flush_model(
            ["state", "quantity_product_uom", "location_id", "location_dest_id", "date"]
        )
        self.env["stock.location"].flush_model(["usage", "warehouse_id"])
        product_filter = (
            SQL("AND ml.product_id = ANY(%s)", list(product_ids))
            if product_ids is not None
            else SQL()
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT ml.product_id,
                       COALESCE(src.warehouse_id, dst.warehouse_id) AS warehouse_id,
                       (ml.date AT TIME ZONE 'UTC')::date AS day,
                       SUM(CASE WHEN dst.usage = 'customer'
                                THEN ml.quantity_product_uom
                                ELSE -ml.quantity_product_uom END) AS qty
                  FROM stock_move_line ml
                  JOIN stock_location src ON src.id = ml.location_id
                  JOIN stock_location dst ON dst.id = ml.location_dest_id
                  JOIN product_product pp ON pp.id = ml.product_id
                  JOIN product_template pt ON pt.id = pp.product_tmpl_id
                 WHERE ml.state = 'done'
                   AND ml.company_id = %(company)s
                   AND pt.is_storable
                   AND ml.date >= %(since)s AND ml.date < %(until)s
                   AND ((src.usage = 'internal' AND src.warehouse_id IS NOT NULL
                         AND dst.usage = 'customer')
                     OR (src.usage = 'customer' AND dst.usage = 'internal'
                         AND dst.warehouse_id IS NOT NULL))
                   %(product_filter)s
              GROUP BY 1, 2, 3
                """,
                company=self.env.company.id,
                since=since,
                until=until,
                product_filter=product_filter,
            )
        )
        return self.env.cr.fetchall()

    def _ai_training_window(self, today=None):
        """(since, until, last day): whole weeks only; the running week is left
        out so that a half-finished week never reads as low demand."""
        today = today or self._ai_today()
        until = self._ai_period_start(today)
        return until - datetime.timedelta(days=HISTORY_DAYS), until

    # ------------------------------------------------------------------ training
    def _ai_training_data(self):
        since, until = self._ai_training_window()
        rows = self._ai_history(since, until)
        if len(rows) < self._ai_min_samples():
            raise AiNotice(
                self,
                "few_delivery_days",
                rows=len(rows),
                minimum=self._ai_min_samples(),
            )
        items = [_item(product, warehouse) for product, warehouse, __, __ in rows]
        ahead = until + datetime.timedelta(
            days=self._ai_horizon_periods() * PERIOD_DAYS
        )
        return {
            "items": items,
            "dates": [row[2] for row in rows],
            "quantities": [row[3] for row in rows],
            "end": until - datetime.timedelta(days=1),
            "promotions": self._ai_promotions(set(items), since, ahead),
        }

    def _ai_promotions(self, items, since, until):
        """Known promotions from ``since`` to ``until`` (future days included) as
        rows ``(item, first day, last day, share)`` for the engine: discounted sale
        order lines (with Sales) and pricelist periods, see readme/DESCRIPTION.md."""
        by_product = defaultdict(list)
        for item in items:
            by_product[int(item.split(":")[0])].append(item)
        rows = []
        if "sale.order.line" in self.env:
            self.env.flush_all()
            query = """
                SELECT l.product_id, date_trunc('week', o.date_order)::date,
                       SUM(l.product_uom_qty) FILTER (WHERE l.discount > 0)
                       / NULLIF(SUM(l.product_uom_qty), 0)
                  FROM sale_order_line l JOIN sale_order o ON o.id = l.order_id
                 WHERE o.state = 'sale' AND o.company_id = %s AND l.product_id = ANY(%s)
                   AND o.date_order >= %s AND o.date_order < %s
              GROUP BY 1, 2 HAVING bool_or(l.discount > 0)"""
            company, ids = self.env.company.id, list(by_product)
            self.env.cr.execute(SQL(query, company, ids, since, until))
            week = datetime.timedelta(days=6)
            rows = [(p, w, w + week, v or 0.0) for p, w, v in self.env.cr.fetchall()]
        products = self.env["product.product"].sudo().browse(list(by_product))
        Rule = self.env["product.pricelist.item"].sudo()
        for r in Rule.search(
            [
                ("date_start", "<", until),
                ("date_end", ">=", since),
                ("pricelist_id.active", "=", True),
                ("pricelist_id.company_id", "in", [self.env.company.id, False]),
            ]
        ):
            start, end = r.date_start.date(), r.date_end.date()
            for p in products.filtered(lambda p, r=r: r._is_applicable_for(p, 1.0)):
                args = (p, 1.0, p.uom_id, r.date_start, r.currency_id)
                if r._compute_price(*args) < r._compute_base_price(*args):
                    rows.append((p.id, start, end, 1.0))
        out = [(i, *row[1:]) for row in rows for i in by_product[row[0]]]
        keys = ("items", "dates", "end", "share")
        return {key: [row[k] for row in out] for k, key in enumerate(keys)}

    def _ai_promotions_note(self):
        """How the active model used known promotions, in one line (or False)."""
        model = self.env["pyme.ai.model"].sudo()._get_active(self._ai_kind)
        found = (model.report or {}).get("promotions") or {}
        if found.get("status") == "used":
            before = found.get("promoted_rmsse_without") or found["rmsse_without"]
            after = found.get("promoted_rmsse_with") or found["rmsse_with"]
            return self.env._(
                "Promotions: used (the error falls from %(before)s to %(after)s)",
                before=formatLang(self.env, before, digits=2),
                after=formatLang(self.env, after, digits=2),
            )
        return {
            "no_gain": self.env._(
                "Promotions: not used, they do not improve the forecast"
            ),
            "short": self.env._(
                "Promotions: not used, too little history to judge them"
            ),
        }.get(found.get("status"), False)

    def _ai_fit(self, data):
        return engine.evaluate(data, freq=FREQ, horizon=self._ai_horizon_periods())

    # ------------------------------------------------------------------ applying
    def _ai_apply_threshold(self, ai_model):
        """Rows older than this are stale: the model's training, or today's start."""
        today = datetime.datetime.combine(self._ai_today(), datetime.time.min)
        return max(ai_model.train_date or today, today)

    def _ai_apply_domain(self, ai_model):
        company = ai_model.company_id
        if not self.env["stock.warehouse"].search_count(
            [("company_id", "=", company.id)], limit=1
        ):
            return [("id", "=", False)]
        return [
            ("is_storable", "=", True),
            ("company_id", "in", [company.id, False]),
            (
                "ai_forecast_ids",
                "not any",
                [
                    ("company_id", "=", company.id),
                    ("date", ">=", self._ai_apply_threshold(ai_model)),
                    ("refresh_requested", "=", False),
                ],
            ),
        ]

    def _ai_apply(self, records, engine_model, ai_model, today=None):
        company = ai_model.company_id
        today = today or self._ai_today()
        warehouses = self.env["stock.warehouse"].search(
            [("company_id", "=", company.id)]
        )
        keys = [(p, w) for p in records.ids for w in warehouses.ids]
        on_hand = self._ai_on_hand(records, warehouses)
        incoming = self._ai_incoming(records, warehouses)
        vendor_min = {}
        lead = self._ai_lead_times(records, warehouses, company, vendor_min)
        multiple, minimum = self._ai_order_rules(records, warehouses, vendor_min)
        values = self._ai_plan(
            engine_model, keys, on_hand, incoming, lead, today, multiple, minimum
        )
        self._ai_pool_new_products(
            engine_model, values, records, on_hand, incoming, lead, today
        )
        self._ai_add_chart_history(values, records, today)
        now = fields.Datetime.now()
        self._ai_write_forecasts(values, company, ai_model, now)
        self._ai_update_products(records, company)
        if self._ai_activities_enabled():
            self._ai_schedule_activities(records, company)

    # -- inputs per (product, warehouse), all in the product's unit of measure
    def _ai_on_hand(self, products, warehouses):
        self.env["stock.quant"].flush_model(["quantity", "location_id", "product_id"])
        self.env.cr.execute(
            SQL(
                """
                SELECT q.product_id, l.warehouse_id, SUM(q.quantity)
                  FROM stock_quant q
                  JOIN stock_location l ON l.id = q.location_id
                 WHERE l.usage = 'internal' AND q.product_id = ANY(%s)
                   AND l.warehouse_id = ANY(%s)
              GROUP BY 1, 2
                """,
                products.ids,
                warehouses.ids,
            )
        )
        return {(p, w): qty for p, w, qty in self.env.cr.fetchall()}

    def _ai_incoming(self, products, warehouses):
        """Open receipts into each warehouse from outside it: ``[(date, qty)]``."""
        self.env["stock.move"].flush_model(
            ["state", "product_qty", "location_id", "location_dest_id", "date"]
        )
        self.env.cr.execute(
            SQL(
                """
                SELECT m.product_id, dst.warehouse_id,
                       (m.date AT TIME ZONE 'UTC')::date, SUM(m.product_qty)
                  FROM stock_move m
                  JOIN stock_location src ON src.id = m.location_id
                  JOIN stock_location dst ON dst.id = m.location_dest_id
                 WHERE m.state NOT IN ('draft', 'done', 'cancel')
                   AND m.product_id = ANY(%s) AND dst.warehouse_id = ANY(%s)
                   AND dst.usage = 'internal'
                   AND (src.warehouse_id IS NULL
                        OR src.warehouse_id != dst.warehouse_id)
              GROUP BY 1, 2, 3
                """,
                products.ids,
                warehouses.ids,
            )
        )
        result = defaultdict(list)
        for product, warehouse, day, qty in self.env.cr.fetchall():
            result[product, warehouse].append((day, qty))
        return result

    def _ai_lead_times(self, products, warehouses, company, vendor_min=None):
        """Days before a replenishment ordered today arrives, per (product, warehouse).

        Rule: the shortest vendor delay of the product (``product.supplierinfo``
        of the variant or its template, for this company or any) plus the delay of
        the pull rule that supplies the warehouse's stock location (first by route
        sequence among the product's, its category's and the warehouse's routes,
        then by rule sequence). Without any vendor and rule delay, the default lead
        time of the AI settings.
        """
        self.env["product.supplierinfo"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                SELECT pp.id, MIN(si.delay), MIN(si.min_qty)
                  FROM product_product pp
                  JOIN product_supplierinfo si
                    ON si.product_tmpl_id = pp.product_tmpl_id
                   AND (si.product_id IS NULL OR si.product_id = pp.id)
                 WHERE pp.id = ANY(%s)
                   AND (si.company_id IS NULL OR si.company_id = %s)
              GROUP BY pp.id
                """,
                products.ids,
                company.id,
            )
        )
        rows = self.env.cr.fetchall()
        vendor = {pid: delay for pid, delay, __ in rows}
        if vendor_min is not None:  # filled for the order rules
            vendor_min.update({pid: qty or 0.0 for pid, __, qty in rows})
        rules = (
            self.env["stock.rule"]
            .sudo()
            .search(
                [
                    ("location_dest_id", "in", warehouses.lot_stock_id.ids),
                    ("action", "in", ("pull", "pull_push")),
                    ("route_id", "!=", False),
                ]
            )
        )
        rules = rules.sorted(lambda r: (r.route_sequence, r.sequence, r.id))
        by_location = defaultdict(list)
        for rule in rules:
            by_location[rule.location_dest_id.id].append(rule)
        default = self._ai_default_lead_days()
        result = {}
        for product in products.sudo():
            routes = set((product.route_ids | product.categ_id.total_route_ids).ids)
            for warehouse in warehouses:
                candidates = by_location.get(warehouse.lot_stock_id.id, [])
                rule = next(
                    (r for r in candidates if r.route_id.id in routes), None
                ) or next(
                    (r for r in candidates if r.route_id in warehouse.route_ids), None
                )
                delay = (rule.delay if rule else 0) + (vendor.get(product.id) or 0)
                if not delay and product.id not in vendor:
                    delay = default
                result[product.id, warehouse.id] = float(delay)
        return result

    def _ai_order_rules(self, products, warehouses, vendor):
        """Order multiple (the reordering rule's) and vendor minimum (the smallest
        ``min_qty`` of the product's vendors, read with the lead times) per key."""
        points = (
            self.env["stock.warehouse.orderpoint"]
            .sudo()
            .search(
                [
                    ("product_id", "in", products.ids),
                    ("warehouse_id", "in", warehouses.ids),
                ]
            )
        )
        multiple = {
            (p.product_id.id, p.warehouse_id.id): p.qty_multiple for p in points
        }
        minimum = {
            (p, w): vendor.get(p, 0.0) for p in products.ids for w in warehouses.ids
        }
        return multiple, minimum

    # -- engine
    def _ai_plan(
        self, engine_model, keys, on_hand, incoming, lead, today, multiple, minimum
    ):
        """One dict of forecast values per (product, warehouse) key (engine plan)."""
        rows = engine.plan(
            engine_model,
            [_item(*key) for key in keys],
            [on_hand.get(key, 0.0) for key in keys],
            [incoming.get(key, []) for key in keys],
            [lead[key] for key in keys],
            today=today,
            service_level=self._ai_service_level(),
            review_days=self._ai_review_days(),
            horizon_days=self._ai_horizon_days(),
            order_multiple=[multiple.get(key, 0.0) for key in keys],
            vendor_min=[minimum.get(key, 0.0) for key in keys],
        )
        return dict(zip(keys, rows, strict=True))

    def _ai_pool_new_products(
        self, engine_model, values, products, on_hand, incoming, lead, today
    ):
        """New products (created in the last ``NEW_PRODUCT_DAYS`` days, no sales in
        any warehouse of the company) get the average weekly demand of the products
        of their category in each warehouse, when at least ``POOL_MIN_PRODUCTS`` of
        them have history there (method ``category``)."""
        items = [item.split(":") for item in engine_model.items_.tolist()]
        ids = {int(p) for p, __ in items}
        since = fields.Datetime.to_datetime(today) - datetime.timedelta(
            days=NEW_PRODUCT_DAYS
        )
        fresh = {
            p.id for p in products.sudo() if p.id not in ids and p.create_date >= since
        }
        new = [k for k, v in values.items() if v["method"] == "none" and k[0] in fresh]
        if not new:
            return
        Product = self.env["product.product"].sudo()
        categ = {p.id: p.categ_id.id for p in Product.browse(ids).exists()}
        means = engine.pooled_means(
            engine_model,
            lambda item: (categ.get(int(item.split(":")[0])), int(item.split(":")[1])),
            [(Product.browse(p).categ_id.id, w) for p, w in new],
            POOL_MIN_PRODUCTS,
        )
        pooled = [(k, m) for k, m in zip(new, means, strict=True) if m is not None]
        if not pooled:
            return
        model = engine.DemandModel.constant(
            [_item(*key) for key, __ in pooled],
            [mean for __, mean in pooled],
            freq=FREQ,
            first_day=self._ai_period_start(today),
            dispersion=2.0,
        )
        keys = [key for key, __ in pooled]
        rows = self._ai_plan(model, keys, on_hand, incoming, lead, today, {}, {})
        for key in keys:
            values[key] = {**rows[key], "method": "category", "demand_class": "none"}

    def _ai_add_chart_history(self, values, products, today):
        """Last weeks of net demand per key (one aggregate query per batch)."""
        until = self._ai_period_start(today)
        since = until - datetime.timedelta(days=CHART_PERIODS * PERIOD_DAYS)
        history = defaultdict(lambda: [0.0] * CHART_PERIODS)
        for product, warehouse, day, qty in self._ai_history(
            since, until, products.ids
        ):
            index = (self._ai_period_start(day) - since).days // PERIOD_DAYS
            if 0 <= index < CHART_PERIODS:
                history[product, warehouse][index] += qty
        for key, val in values.items():
            val["chart"]["history"] = [
                round(max(v, 0.0), 3) for v in history.get(key, [0.0] * CHART_PERIODS)
            ]
            val["chart"]["start"] = fields.Date.to_string(since)

    # -- writing
    def _ai_write_forecasts(self, values, company, ai_model, now):
        """One upsert for the whole batch (the ORM would issue one per row)."""
        if not values:
            return
        Forecast = self.env["pyme.ai.product.forecast"]
        Forecast.flush_model()
        columns = (
            "daily_demand forecast_qty on_hand incoming_qty lead_time_days "
            "stockout_date stockout_probability days_of_cover stockout_within_lead "
            "reorder_point max_level order_qty demand_class method forecast_error "
            "baseline_error ai_worse lead_demand safety_stock review_demand "
            "service_level order_multiple vendor_min late_qty refresh_requested "
            "chart_data"
        ).split()
        casts = {"stockout_date": "::date", "chart_data": "::jsonb"}
        casts |= dict.fromkeys(
            ("days_of_cover", "forecast_error", "baseline_error"), "::float"
        )
        cells = ", ".join(f"%s{casts.get(c, '')}" for c in columns)
        uid, rows = self.env.uid, []
        for (product, warehouse), val in values.items():
            error, base = val["forecast_error"], val.get("baseline_error")
            row = dict.fromkeys(columns, 0.0) | val
            row.update(
                baseline_error=base,
                ai_worse=base is not None and error is not None and error > base,
                refresh_requested=False,
                chart_data=json.dumps(val["chart"]),
            )
            rows.append(
                SQL(
                    f"(%s, %s, %s, %s, %s::timestamp, {cells}, %s, %s, "
                    "%s::timestamp, %s::timestamp)",
                    *(product, warehouse, company.id, ai_model.id, now),
                    *(row[c] for c in columns),
                    *(uid, uid, now, now),
                )
            )
        updates = ", ".join(
            f"{c} = EXCLUDED.{c}" for c in ["company_id", "model_id", "date", *columns]
        )
        self.env.cr.execute(
            SQL(
                "INSERT INTO pyme_ai_product_forecast "
                "(product_id, warehouse_id, company_id, model_id, date, %s, "
                "create_uid, write_uid, create_date, write_date) VALUES %s "
                "ON CONFLICT (product_id, warehouse_id) DO UPDATE SET %s, "
                "write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date",
                SQL(", ".join(columns)),
                SQL(", ").join(rows),
                SQL(updates),
            )
        )
        Forecast.invalidate_model()
        self.env["product.product"].invalidate_model(["ai_forecast_ids"])

    def _ai_update_products(self, products, company):
        """Copy the aggregates of ``company``'s warehouse rows onto the products:
        the product fields are company-dependent, so a product shared by companies
        shows each company its own warehouses only (one UPDATE)."""
        Product = self.env["product.product"]
        Product.flush_model(AI_PRODUCT_FIELDS)
        key = str(company.id)

        def put(column, value):
            # a missing value drops the company's key (Odoo reads it as empty)
            return SQL(
                "%(c)s = CASE WHEN %(v)s IS NULL THEN COALESCE(p.%(c)s, '{}') - %(k)s "
                "ELSE COALESCE(p.%(c)s, '{}') || jsonb_build_object(%(k)s, %(v)s) END",
                c=SQL.identifier(column),
                v=value,
                k=key,
            )

        sets = SQL(", ").join(
            [
                put("ai_daily_demand", SQL("a.daily_demand")),
                put("ai_forecast_qty", SQL("a.forecast_qty")),
                put("ai_stockout_date", SQL("to_char(a.stockout_date, 'YYYY-MM-DD')")),
                put("ai_stockout_probability", SQL("a.probability")),
                put("ai_days_of_cover", SQL("a.cover")),
                put("ai_stockout_within_lead", SQL("a.within_lead")),
                put("ai_demand_class", SQL("t.demand_class")),
                put("ai_forecast_method", SQL("t.method")),
                put("ai_forecast_error", SQL("t.forecast_error")),
                put(
                    "ai_forecast_date", SQL("to_char(a.date, 'YYYY-MM-DD HH24:MI:SS')")
                ),
            ]
        )
        self.env.cr.execute(
            SQL(
                """
                UPDATE product_product p SET %(sets)s
                  FROM (SELECT product_id, SUM(daily_demand) AS daily_demand,
                               SUM(forecast_qty) AS forecast_qty,
                               MIN(stockout_date) AS stockout_date,
                               MAX(stockout_probability) AS probability,
                               MIN(days_of_cover) AS cover,
                               BOOL_OR(stockout_within_lead) AS within_lead,
                               MAX(date) AS date
                          FROM pyme_ai_product_forecast
                         WHERE product_id = ANY(%(ids)s) AND company_id = %(company)s
                      GROUP BY product_id) a
                  JOIN (SELECT DISTINCT ON (product_id) product_id, demand_class,
                               method, forecast_error
                          FROM pyme_ai_product_forecast
                         WHERE product_id = ANY(%(ids)s) AND company_id = %(company)s
                      ORDER BY product_id, daily_demand DESC, warehouse_id) t
                    ON t.product_id = a.product_id
                 WHERE p.id = a.product_id
                """,
                sets=sets,
                ids=products.ids,
                company=company.id,
            )
        )
        Product.invalidate_model(AI_PRODUCT_FIELDS)

    # -- activities
    def _ai_schedule_activities(self, products, company):
        """A to-do for the purchase responsible of each product at risk.

        At risk: a warehouse runs out before a replenishment ordered today arrives
        (``ai_stockout_within_lead``). Responsible: the product's responsible
        (``responsible_id``, when in this company), else the oldest active
        inventory administrator of the company. An open activity of the same type
        on the same product is never duplicated.
        """
        activity_type = self.env.ref(
            "pyme_ai_inventory.mail_activity_type_stockout_risk",
            raise_if_not_found=False,
        )
        at_risk = products.with_company(company).filtered("ai_stockout_within_lead")
        if not activity_type or not at_risk:
            return
        open_ones = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "product.product"),
                    ("res_id", "in", at_risk.ids),
                    ("activity_type_id", "=", activity_type.id),
                ]
            )
        )
        existing = set(open_ones.mapped("res_id"))
        fallback = (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    ("share", "=", False),
                    ("company_ids", "in", company.id),
                    ("groups_id", "in", self.env.ref("stock.group_stock_manager").id),
                    ("id", "!=", self.env.ref("base.user_root").id),
                ],
                order="id",
                limit=1,
            )
        )
        model_id = self.env["ir.model"]._get_id("product.product")
        values, readers = [], {}
        for product in at_risk.sudo():
            if product.id in existing:
                continue
            user = product.responsible_id
            if not user or not user.active or company not in user.company_ids:
                user = fallback
            if not user:
                continue
            if user not in readers:
                readers[user] = self.with_context(lang=user.lang or self.env.lang)
            values.append(
                {
                    "res_model_id": model_id,
                    "res_id": product.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "date_deadline": fields.Date.context_today(self),
                    # in the language and date format of whoever gets it
                    "summary": readers[user].env._(
                        "Stock-out expected on %(date)s, before a replenishment "
                        "can arrive",
                        date=format_date(readers[user].env, product.ai_stockout_date),
                    ),
                }
            )
        if values:
            self.env["mail.activity"].sudo().with_context(
                mail_activity_quick_update=True
            ).create(values)
