# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Shared helpers for the tests of pyme_ai addons."""

from odoo.tests.common import TransactionCase, new_test_user

from odoo.addons.base.tests.common import DISABLED_MAIL_CONTEXT


def make_users(env, **groups):
    """One test user per ``login=groups`` (comma-separated xml ids), in that order."""
    return [new_test_user(env, login=login, groups=g) for login, g in groups.items()]


class PymeAiCase(TransactionCase):
    """TransactionCase with mail side effects disabled."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, **DISABLED_MAIL_CONTEXT))

    @staticmethod
    def corrupt(data, position=-1):
        """``data`` with one byte flipped (default: the last payload byte)."""
        data = bytearray(data)
        data[position] ^= 0xFF
        return bytes(data)
