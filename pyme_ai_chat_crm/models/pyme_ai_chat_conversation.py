# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from markupsafe import Markup

from odoo import api, fields, models
from odoo.osv import expression

from odoo.addons.pyme_ai_base.tools import company_lang, log_event


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
        """One CRM lead per conversation: created at the first contact, updated by
        later ones; a lead (or customer) already known by this email or phone gets
        the conversation attached instead of a duplicate."""
        self.ensure_one()
        # the lead is written for the company's staff, not in the visitor's language
        return self.with_context(lang=company_lang(self.company_id))._capture_lead()

    def _capture_lead(self):
        Lead = self.env["crm.lead"].sudo().with_company(self.company_id)
        lead = self.lead_id or self._duplicate_lead()
        values = self._lead_contact_values()
        if lead:
            if any(v and lead[k] and v != lead[k] for k, v in values.items()):
                # other details than the lead's: kept on it, not dropped
                lead.message_post(
                    body=self._contact_note(), subtype_xmlid="mail.mt_note"
                )
            values = {k: v for k, v in values.items() if v and not lead[k]}
            if lead == self.lead_id:  # this conversation's lead: the whole story
                values["description"] = self._lead_note()
            else:  # another conversation's (or an older) lead: a note on it
                lead.message_post(body=self._lead_note(), subtype_xmlid="mail.mt_note")
            lead.write(values)
            created = False
        else:
            lead = Lead.create(self._lead_create_values(values))
            created = True
        if self.lead_id != lead:
            change = {self.id: {"lead_id": (self.lead_id, lead)}}
            self.lead_id = lead
            log_event(self, "pyme_ai_chat_crm.mt_lead_linked", change)
        if created:
            self._notify_lead(lead)
        return {"lead": True}

    def _lead_contact_values(self):
        return {
            "contact_name": self.contact_name or False,
            "email_from": self.contact_email or False,
            "phone": self.contact_phone or False,
        }

    def _duplicate_lead(self):
        """An open lead of the company with this email or phone (newest first)."""
        domains = []
        if self.contact_email:
            domains.append([("email_normalized", "=", self.contact_email)])
        if self.contact_phone:
            domains.append([("phone_sanitized", "=", self.contact_phone)])
        if not domains:
            return self.env["crm.lead"]
        return (
            self.env["crm.lead"]
            .sudo()
            .search(
                expression.AND(
                    [
                        expression.OR(domains),
                        [("company_id", "in", [self.company_id.id, False])],
                        [("probability", "<", 100)],
                    ]
                ),
                order="create_date desc, id desc",
                limit=1,
            )
        )

    def _contact_note(self):
        details = [self.contact_name, self.contact_email, self.contact_phone]
        return self.env._(
            "Contact details given in the website chat: %(details)s",
            details=" · ".join(d for d in details if d),
        )

    def _lead_create_values(self, values):
        website, company = self.website_id, self.company_id
        team = website.crm_default_team_id if "crm_default_team_id" in website else None
        if team and team.company_id and team.company_id != company:
            team = None  # another company's team
        user = website.crm_default_user_id if "crm_default_user_id" in website else None
        candidates = [user, team.user_id if team else None, self._responsible_user()]
        user = next((u for u in candidates if u and company in u.company_ids), None)
        partner = self.env["res.partner"]
        if self.contact_email:
            partner = partner.sudo().search(
                [("email_normalized", "=", self.contact_email)], limit=1
            )
        source = (
            self.env["utm.mixin"]
            .sudo()
            ._find_or_create_record("utm.source", "Website chat")
        )
        medium = self.env.ref("utm.utm_medium_website", raise_if_not_found=False)
        interest = self._interest_label()
        who = self.contact_name or self.contact_email or self.contact_phone
        name = (
            self.env._("%(who)s: %(interest)s", who=who, interest=interest)
            if interest
            else self.env._("Website chat: %(contact)s", contact=who)
        )
        return {
            **values,
            "name": name,
            "partner_id": partner.id or False,
            "description": self._lead_note(),
            "company_id": self.company_id.id,
            "team_id": team.id if team else False,
            "user_id": user.id if user else False,
            "source_id": source.id,
            "medium_id": medium.id if medium else False,
        }

    def _lead_note(self):
        """The interest (when asked) and the transcript, one paragraph per line."""
        lines = []
        if self.interest_kind:
            kinds = dict(self._fields["interest_kind"]._description_selection(self.env))
            label = self._interest_label()
            lines.append(
                self.env._(
                    "%(kind)s: %(what)s", kind=kinds[self.interest_kind], what=label
                )
                if label
                else kinds[self.interest_kind]
            )
        head = Markup("").join(Markup("<p><b>%s</b></p>") % line for line in lines)
        return head + self._transcript_html()

    def _notify_lead(self, lead):
        """An activity for the assigned person: call the visitor."""
        user = lead.user_id or self._responsible_user()
        if user:  # in the language of who gets it
            own = self.with_context(lang=user.lang)
            lead.activity_schedule(
                "mail.mail_activity_data_call",
                user_id=user.id,
                summary=own.env._("Call the website chat visitor"),
            )
