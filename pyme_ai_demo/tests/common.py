# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""A small demo company (same generator, smaller scale) with every AI job run."""

from odoo.tests.common import TransactionCase

from ..jobs import train_and_apply
from ..loader import load

#: Share of the full demo loaded by the tests (about 300 opportunities, 20 products).
TEST_SCALE = 0.2


class DemoCompanyCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = load(
            cls.env, scale=TEST_SCALE, company_name="Muebles Ejemplo Pruebas S.L."
        )
        cls.plan = cls.loader.plan
        cls.company = cls.loader.company
        cls.env = cls.env(
            context=dict(
                cls.env.context, lang="es_ES", allowed_company_ids=[cls.company.id]
            )
        )

    @classmethod
    def train_and_apply(cls, model_name):
        """Train ``model_name`` for the demo company and apply its active model."""
        return train_and_apply(cls.env, model_name, cls.company)

    @classmethod
    def plan_records(cls, model, kind, predicate):
        ids = cls.loader.ids[kind]
        items = cls.plan["leads"] if kind == "leads" else cls.plan["products"]
        return (
            cls.env[model]
            .with_context(active_test=False)
            .browse([ids[item["key"]] for item in items if predicate(item)])
        )
