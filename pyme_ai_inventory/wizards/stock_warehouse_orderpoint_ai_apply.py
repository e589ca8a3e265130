# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.pyme_ai_base.tools import notify


class StockWarehouseOrderpointAiApply(models.TransientModel):
    """Confirmation of AI suggestions: the old and new min / max of every rule, the
    explanation, and a tick per rule (0 / 0 suggestions start unticked)."""

    _name = "stock.warehouse.orderpoint.ai.apply"
    _description = "Apply AI Reordering Suggestions"

    line_ids = fields.One2many(
        "stock.warehouse.orderpoint.ai.apply.line", "wizard_id", string="Rules"
    )
    zero_count = fields.Integer(
        string="Suggestions of 0 / 0", compute="_compute_zero_count"
    )

    @api.depends("line_ids.is_zero")
    def _compute_zero_count(self):
        for wizard in self:
            wizard.zero_count = len(wizard.line_ids.filtered("is_zero"))

    def action_confirm(self):
        self.ensure_one()
        lines = self.line_ids.filtered("apply")
        if not lines:
            raise UserError(self.env._("Tick at least one rule to apply."))
        orderpoints = lines.orderpoint_id
        orderpoints._ai_check_manager()
        for line in lines:
            line.orderpoint_id._ai_apply_values(line.new_min, line.new_max)
        message = self.env._(
            "AI suggestion applied to %(count)s reordering rule(s); Undo AI "
            "suggestion restores the previous values.",
            count=len(lines),
        )
        reload = {"type": "ir.actions.client", "tag": "soft_reload"}
        return notify(self.env, message, "success", next_action=reload)


class StockWarehouseOrderpointAiApplyLine(models.TransientModel):
    _name = "stock.warehouse.orderpoint.ai.apply.line"
    _description = "AI Reordering Suggestion to Apply"

    wizard_id = fields.Many2one(
        "stock.warehouse.orderpoint.ai.apply", required=True, ondelete="cascade"
    )
    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", string="Rule", required=True, ondelete="cascade"
    )
    product_id = fields.Many2one(related="orderpoint_id.product_id")
    warehouse_id = fields.Many2one(related="orderpoint_id.warehouse_id")
    apply = fields.Boolean(default=True)
    old_min = fields.Float(
        string="Current Min",
        compute="_compute_values",
        digits="Product Unit of Measure",
    )
    old_max = fields.Float(
        string="Current Max",
        compute="_compute_values",
        digits="Product Unit of Measure",
    )
    new_min = fields.Float(compute="_compute_values", digits="Product Unit of Measure")
    new_max = fields.Float(compute="_compute_values", digits="Product Unit of Measure")
    is_zero = fields.Boolean(string="Stops Replenishment", compute="_compute_values")
    note = fields.Char(string="Why", compute="_compute_values")

    @api.depends("orderpoint_id")
    def _compute_values(self):
        for line in self:
            op = line.orderpoint_id
            line.old_min = op.product_min_qty
            line.old_max = op.product_max_qty
            line.new_min = op.ai_suggested_min
            line.new_max = max(op.ai_suggested_max, op.ai_suggested_min)
            line.is_zero = line.new_max <= 0
            line.note = op.ai_suggestion_note
