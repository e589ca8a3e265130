# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared fixtures of the website chat tests (also used by the glue addons)."""

from odoo.tests import HttpCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT

SPANISH_HOURS = "08:30-14:00"


class ChatFixtures:
    """Mixin setting recognisable company data and training the chat."""

    @classmethod
    def _setup_chat(cls):
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.website = cls.env["website"].get_current_website()
        cls.company = cls.website.company_id
        cls.calendar = cls.env["resource.calendar"].create(
            {
                "name": "AI chat shop hours",
                "company_id": cls.company.id,
                "attendance_ids": [
                    (
                        0,
                        0,
                        {
                            "name": f"Day {day}",
                            "dayofweek": str(day),
                            "hour_from": 8.5,
                            "hour_to": 14.0,
                            "day_period": "morning",
                        },
                    )
                    for day in range(6)
                ],
            }
        )
        cls.company.write(
            {
                "resource_calendar_id": cls.calendar.id,
                "street": "Calle Mayor 7",
                "zip": "28013",
                "city": "Madrid",
                "country_id": cls.env.ref("base.es").id,
                "phone": "+34 910 000 000",
                "email": "hola@example.com",
            }
        )
        cls.Faq = cls.env["pyme.ai.chat.faq"]
        cls.Faq._seed_from_company()
        cls.assistant = cls.env["pyme.ai.chat.assistant"]
        cls.chat_run = cls.assistant.with_company(cls.company)._ai_train()


class ChatHttpCase(ChatFixtures, HttpCase):
    """A trained chat behind the website routes (rate counters roll back with each
    test)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._setup_chat()

    def _route(self, route, /, **params):
        return self.make_jsonrpc_request(f"/pyme_ai_chat/{route}", params)

    def _send(self, message, token=None):
        return self._route("message", message=message, token=token)

    def _conversation(self, token):
        conversations = self.env["pyme.ai.chat.conversation"].sudo()
        return conversations.search([("token", "=", token)])
