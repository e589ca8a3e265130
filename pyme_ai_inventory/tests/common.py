# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import datetime

from odoo.tests import new_test_user
from odoo.tools import SQL

from odoo.addons.pyme_ai_base.tests.common import PymeAiCase


class DemandCase(PymeAiCase):
    """Two warehouses, storable products and helpers writing done moves fast."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.forecasting = cls.env["pyme.ai.demand.forecasting"]
        cls.company = cls.env.company
        cls.wh1 = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.wh2 = cls.env["stock.warehouse"].create(
            {"name": "AI second warehouse", "code": "AIW2"}
        )
        cls.customers = cls.env.ref("stock.stock_location_customers")
        cls.unit = cls.env.ref("uom.product_uom_unit")
        cls.dozen = cls.env.ref("uom.product_uom_dozen")
        Product = cls.env["product.product"]
        cls.product = Product.create(
            {"name": "AI bolt", "is_storable": True, "uom_id": cls.unit.id}
        )
        cls.other_product = Product.create(
            {"name": "AI nut", "is_storable": True, "uom_id": cls.unit.id}
        )
        cls.stock_user = new_test_user(
            cls.env, login="ai_stock_user", groups="stock.group_stock_user"
        )
        cls.stock_manager = new_test_user(
            cls.env, login="ai_stock_manager", groups="stock.group_stock_manager"
        )
        cls.monday = cls.forecasting._ai_period_start(cls.forecasting._ai_today())

    @classmethod
    def _moves(cls, specs):
        """Done moves from ``(product, source, destination, qty, day[, uom])``.

        One create, one confirmation and one validation for all of them; the done
        dates are then set in one UPDATE.
        """
        Move = cls.env["stock.move"]
        moves = Move.create(
            [
                {
                    "name": "AI history",
                    "product_id": spec[0].id,
                    "product_uom": (spec[5] if len(spec) > 5 else spec[0].uom_id).id,
                    "product_uom_qty": spec[3],
                    "location_id": spec[1].id,
                    "location_dest_id": spec[2].id,
                }
                for spec in specs
            ]
        )
        moves._action_confirm()
        for move, spec in zip(moves, specs, strict=True):
            move.quantity = spec[3]
        moves.picked = True
        moves._action_done()
        cls.env.flush_all()
        cls.env.cr.execute(
            SQL(
                "UPDATE stock_move_line ml SET date = v.day FROM (VALUES %s) "
                "AS v(move_id, day) WHERE ml.move_id = v.move_id",
                SQL(", ").join(
                    SQL("(%s, %s::timestamp)", move.id, spec[4] + " 12:00:00")
                    for move, spec in zip(moves, specs, strict=True)
                ),
            )
        )
        cls.env["stock.move.line"].invalidate_model(["date"])
        return moves

    @classmethod
    def _weekly_sales(cls, product, warehouse, qty, weeks):
        """``qty`` delivered every week during the ``weeks`` weeks before this one."""
        return cls._moves(
            [
                (
                    product,
                    warehouse.lot_stock_id,
                    cls.customers,
                    qty,
                    str(cls.monday - datetime.timedelta(days=7 * week - 2)),
                )
                for week in range(1, weeks + 1)
            ]
        )

    @classmethod
    def _set_on_hand(cls, product, warehouse, qty):
        location = warehouse.lot_stock_id
        current = product.with_context(location=location.id).qty_available
        cls.env["stock.quant"]._update_available_quantity(
            product, location, qty - current
        )
