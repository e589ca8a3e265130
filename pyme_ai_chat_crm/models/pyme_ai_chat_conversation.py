# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo import api, fields, models


class PymeAiChatConversation(models.Model):
    _inherit = "pyme.ai.chat.conversation"

    lead_id = fields.Many2one(
        "crm.lead",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
    )
    lead_captured = fields.Boolean(compute="_compute_lead_captured", store=True)

    @api.depends("lead_id")
    def _compute_lead_captured(self):
        for conversation in self:
            conversation.lead_captured = bool(conversation.lead_id)

    def _capture_contact(self):
        """A CRM lead with the transcript instead of an activity on the chat."""
        self.ensure_one()
        website = self.website_id
        team = website.crm_default_team_id if "crm_default_team_id" in website else None
        user = website.crm_default_user_id if "crm_default_user_id" in website else None
        lead = (
            self.env["crm.lead"]
            .sudo()
            .with_company(self.company_id)
            .create(
                {
                    "name": self.env._(
                        "Website chat: %(contact)s",
                        contact=self.contact_name
                        or self.contact_email
                        or self.contact_phone,
                    ),
                    "contact_name": self.contact_name,
                    "email_from": self.contact_email,
                    "phone": self.contact_phone,
                    "description": self._transcript_html(),
                    "company_id": self.company_id.id,
                    "team_id": team.id if team else False,
                    "user_id": user.id if user else False,
                }
            )
        )
        self.lead_id = lead
        self.message_post(
            body=self.env._("Lead created: %(lead)s", lead=lead.display_name),
            subtype_xmlid="mail.mt_note",
        )
        return {"lead": True}
