# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..models.pyme_ai_model import MODEL_KEEP_PARAM, MODEL_RETENTION_PARAM
from ..models.pyme_ai_run import RUN_RETENTION_PARAM
from .capability_case import PymeAiCapabilityCase


@tagged("post_install", "-at_install")
class TestRetention(PymeAiCapabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.now = fields.Datetime.now()
        cls.company2 = cls.env["res.company"].create({"name": "Retention Co 2"})
        cls.cron = cls.env.ref("pyme_ai_base.ir_cron_retention")

    def _model(self, days_ago, state="archived", company=None):
        company = company or self.env.company
        model = self.registry_model.create(
            {
                "name": f"Model {days_ago} days",
                "kind": "test_kind",
                "company_id": company.id,
                "state": state,
                "train_date": self.now - timedelta(days=days_ago),
            }
        )
        Attachment = self.env["ir.attachment"]
        model.attachment_id = Attachment.create(
            {
                "name": f"test_kind-{model.id}.pymeai",
                "raw": b"artifact",
                "res_model": model._name,
                "res_id": model.id,
            }
        )
        # another file on the model (e.g. posted on its chatter) goes too
        Attachment.create(
            {
                "name": "notes.txt",
                "raw": b"notes",
                "res_model": model._name,
                "res_id": model.id,
            }
        )
        return model

    def _run(self, days_ago, state="done", model=None):
        return self.env["pyme.ai.run"].create(
            {
                "kind": "test_kind",
                "operation": "train",
                "state": state,
                "start_date": self.now - timedelta(days=days_ago),
                "model_id": model.id if model else False,
            }
        )

    def _files(self, models):
        return self.env["ir.attachment"].search(
            [("res_model", "=", "pyme.ai.model"), ("res_id", "in", models.ids)]
        )

    def _cron(self):
        with patch.object(type(self.env["ir.cron"]), "_notify_progress") as progress:
            result = self.registry_model._cron_retention()
        return result, progress.call_args.kwargs

    def test_defaults_delete_old_models_keep_active_and_last_three(self):
        self.assertTrue(self.cron.active)
        self.assertEqual(self.cron.interval_type, "days")
        active = self._model(400, state="active")
        archived = {days: self._model(days) for days in (10, 150, 160, 170, 180)}
        failed = self._model(200, state="failed")
        alone = self._model(300, company=self.company2)  # last one of its company
        old_run = self._run(200, model=archived[180])
        recent_run = self._run(100, model=archived[180])
        running = self._run(400, state="running")
        doomed = archived[170] | archived[180] | failed
        doomed_files = self._files(doomed)
        self.assertEqual(len(doomed_files), 6)

        (models, runs), progress = self._cron()

        self.assertEqual((models, runs), (3, 1))
        self.assertEqual(progress, {"done": 4, "remaining": 0})
        self.assertFalse(doomed.exists())
        self.assertFalse(doomed_files.exists())
        kept = active | alone | archived[10] | archived[150] | archived[160]
        self.assertEqual(kept.exists(), kept)
        self.assertEqual(len(self._files(kept)), 10)
        self.assertEqual(active.state, "active")
        self.assertFalse(old_run.exists())
        self.assertEqual((recent_run | running).exists(), recent_run | running)
        # nothing left: a second run deletes nothing
        self.assertEqual(self._cron()[0], (0, 0))

    def test_settings_change_the_retention(self):
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(
            (
                settings.pyme_ai_model_retention_days,
                settings.pyme_ai_model_keep_count,
                settings.pyme_ai_run_retention_days,
            ),
            (90, 3, 180),
        )
        self.env["res.config.settings"].create(
            {
                "pyme_ai_model_retention_days": 30,
                "pyme_ai_model_keep_count": 1,
                "pyme_ai_run_retention_days": 50,
            }
        ).execute()
        params = self.env["ir.config_parameter"]
        self.assertEqual(params.get_param(MODEL_RETENTION_PARAM), "30")
        self.assertEqual(params.get_param(MODEL_KEEP_PARAM), "1")
        self.assertEqual(params.get_param(RUN_RETENTION_PARAM), "50")
        newest = self._model(40)
        older = self._model(45)
        run = self._run(60)
        self.assertEqual(self._cron()[0], (1, 1))
        self.assertTrue(newest.exists())
        self.assertFalse(older.exists())
        self.assertFalse(run.exists())

    def test_zero_keeps_everything(self):
        params = self.env["ir.config_parameter"]
        params.set_param(MODEL_RETENTION_PARAM, "0")
        params.set_param(RUN_RETENTION_PARAM, "0")
        params.set_param(MODEL_KEEP_PARAM, "0")
        models = self._model(1000) | self._model(900)
        run = self._run(1000)
        self.assertEqual(self._cron()[0], (0, 0))
        self.assertEqual(models.exists(), models)
        self.assertTrue(run.exists())
