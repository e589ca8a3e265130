# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Test case loading the throwaway capabilities and creating their two crons."""

from odoo_test_helper import FakeModelLoader

from odoo.tools import mute_logger

from .common import PymeAiCase, make_users

LOGGER = "odoo.addons.pyme_ai_base.models.pyme_ai_capability"
MODEL_LOGGER = "odoo.addons.pyme_ai_base.models.pyme_ai_model"


class PymeAiCapabilityCase(PymeAiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.loader = FakeModelLoader(cls.env, cls.__module__)
        cls.loader.backup_registry()
        from .pyme_ai_test_capability import (
            PymeAiBrokenCapability,
            PymeAiTestCapability,
        )

        # the registry runs _register_hook before the test crons exist
        with mute_logger(LOGGER):
            cls.loader.update_registry((PymeAiTestCapability, PymeAiBrokenCapability))
        cls.capability = cls.env["pyme.ai.test.capability"]
        cls.train_cron = cls._make_cron("train")
        cls.apply_cron = cls._make_cron("apply")
        cls.registry_model = cls.env["pyme.ai.model"]
        cls.ai_user, cls.ai_manager, cls.plain_user = make_users(
            cls.env,
            ai_user="base.group_user,pyme_ai_base.pyme_ai_base_group_user",
            ai_manager="base.group_user,pyme_ai_base.pyme_ai_base_group_manager",
            no_ai="base.group_user",
        )

    @classmethod
    def tearDownClass(cls):
        cls.loader.restore_registry()
        super().tearDownClass()

    @classmethod
    def _make_cron(cls, which):
        """The capability's cron, as its addon's data file would declare it."""
        cron = cls.env["ir.cron"].create(
            {
                "name": f"AI test: {which}",
                "model_id": cls.env["ir.model"]._get_id("pyme.ai.test.capability"),
                "state": "code",
                "code": f"model._cron_ai_{which}()",
                "interval_number": 1,
                "interval_type": "days",
            }
        )
        cls.env["ir.model.data"].create(
            {
                "module": "pyme_ai_base",
                "name": f"pyme_ai_test_{which}_cron",
                "model": "ir.cron",
                "res_id": cron.id,
                "noupdate": True,
            }
        )
        return cron

    def _train(self, **ctx):
        context = {f"pyme_ai_test_{key}": value for key, value in ctx.items()}
        return self.capability.with_context(**context)._ai_train()

    def _active(self, company=None):
        return self.registry_model._get_active("test_kind", company)

    def _triggers(self, cron):
        return self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)])
