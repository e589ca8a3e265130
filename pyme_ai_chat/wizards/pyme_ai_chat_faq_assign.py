# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.pyme_ai_base.tools import notify


class PymeAiChatFaqAssign(models.TransientModel):
    _name = "pyme.ai.chat.faq.assign"
    _description = "Add Chat Questions as FAQ Variants"

    message_ids = fields.Many2many(
        "pyme.ai.chat.message", string="Questions", required=True
    )
    faq_id = fields.Many2one(
        "pyme.ai.chat.faq",
        string="FAQ",
        required=True,
        help="The questions become new variants of this FAQ; the chat learns them at "
        "its next training.",
    )
    lang = fields.Selection(
        [("es", "Spanish"), ("en", "English")],
        string="Language",
        compute="_compute_lang",
    )

    @api.depends("message_ids")
    def _compute_lang(self):
        for wizard in self:
            wizard.lang = wizard.message_ids[:1].lang

    def action_assign(self):
        self.ensure_one()
        questions = self.message_ids.filtered(lambda m: m.author == "visitor")
        if not questions:
            raise UserError(self.env._("Select visitor questions to add."))
        existing = {
            name.strip().casefold() for name in self.faq_id.variant_ids.mapped("name")
        }
        values = []
        for question in questions:
            key = question.body.strip().casefold()
            if key not in existing:
                existing.add(key)
                values.append({"faq_id": self.faq_id.id, "name": question.body.strip()})
        self.env["pyme.ai.chat.faq.variant"].create(values)
        questions.write({"reviewed": True})
        self.env["pyme.ai.chat.assistant"]._ai_trigger_training()
        message = self.env._(
            "%(count)s question(s) added to “%(faq)s”; the chat learns them "
            "at its next training.",
            count=len(values),
            faq=self.faq_id.name,
        )
        return notify(
            self.env,
            message,
            "success",
            next_action={"type": "ir.actions.act_window_close"},
        )
