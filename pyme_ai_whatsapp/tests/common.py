# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import UserError
from odoo.tests import TransactionCase

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


class WhatsappCase(TransactionCase):
    """Spain as the company's country, Ana of Pyme as the user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))
        cls.es = cls.env.ref("base.es")
        cls.mx = cls.env.ref("base.mx")
        cls.co = cls.env.ref("base.co")
        cls.env.company.country_id = cls.es
        cls.env.user.name = "Ana"
        cls.env.company.name = "Pyme"

    #: (number values, E.164 digits): national formats take the record's country,
    #: the legacy "1" of Mexican mobiles is dropped, no country means the company's
    NUMBER_CASES = [
        ({"mobile": "612 34 56 78", "country_id": "es"}, "34612345678"),
        ({"phone": "+34 912 345 678"}, "34912345678"),
        ({"mobile": "55 1234 5678", "country_id": "mx"}, "525512345678"),
        ({"mobile": "+52 1 55 1234 5678"}, "525512345678"),
        ({"mobile": "044 55 1234 5678", "country_id": "mx"}, "525512345678"),
        ({"mobile": "321 123 4567", "country_id": "co"}, "573211234567"),
        ({"phone": "+57 (601) 234 5678"}, "576012345678"),
        ({"mobile": "699 11 22 33"}, "34699112233"),
    ]

    def _check_numbers(self, make):
        """``make(**values)`` builds a record named Luis; each number gives its link."""
        text = "?text=Hello%20Luis%2C%20this%20is%20Ana%20from%20Pyme."
        for values, digits in self.NUMBER_CASES:
            values = dict(values)
            if "country_id" in values:
                values["country_id"] = getattr(self, values["country_id"]).id
            with self.subTest(values=values):
                self.assertEqual(
                    self._url(make(**values)), f"https://wa.me/{digits}{text}"
                )

    #: (number values, why the number is refused)
    INVALID_CASES = [
        ({"mobile": "12"}, "too short"),
        ({"mobile": "+34 123"}, "too short"),
        ({"mobile": "+999 612345678"}, "country calling code does not exist"),
        (
            {"mobile": "999 999 9999", "country_id": "co"},
            "not a valid number for Colombia",
        ),
        ({}, "there is no phone number"),
    ]

    def _check_invalid_numbers(self, make):
        """Each refused number raises a UserError that says why."""
        for values, why in self.INVALID_CASES:
            values = dict(values)
            if "country_id" in values:
                values["country_id"] = getattr(self, values["country_id"]).id
            with self.subTest(values=values):
                record = make(**values)
                with self.assertRaisesRegex(UserError, why):
                    record.action_ai_whatsapp()

    def _url(self, record):
        action = record.action_ai_whatsapp()
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "new")
        return action["url"]
