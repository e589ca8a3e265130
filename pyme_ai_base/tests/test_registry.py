# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.pyme_ai_model import _ENGINE_CACHE
from .capability_case import LOGGER, MODEL_LOGGER, PymeAiCapabilityCase


@tagged("post_install", "-at_install")
class TestRegistry(PymeAiCapabilityCase):
    def test_kind_is_declared_by_capabilities(self):
        self.assertIn("test_kind", dict(self.registry_model._selection_kind()))

    def test_training_stores_signed_active_model(self):
        run = self._train()
        self.assertEqual(run.state, "done")
        model = run.model_id
        self.assertEqual(model, self._active())
        self.assertEqual(model.train_rows, 200)
        self.assertTrue(model.attachment_id.raw)
        self.assertEqual(len(model.artifact_checksum), 64)
        self.assertGreater(model.primary_score, 0.8)
        self.assertIn("scikit-learn", model.library_versions)
        self.assertIn("AUC", model.metrics_html)
        self.assertIn("Logistic regression", model.metrics_html)
        engine = model._load_engine_model()
        self.assertEqual(engine.predict([[3.0, 0.0], [-3.0, 0.0]]).tolist(), [1, 0])
        # inside a web client read (bin_size), not a new worker's cache miss away
        # from refusing the active model
        _ENGINE_CACHE.clear()
        self.assertIsNotNone(model.with_context(bin_size=True)._load_engine_model())
        self.assertEqual(model.state, "active")

    def test_retrain_replaces_then_rollback(self):
        first = self._train().model_id
        second = self._train().model_id
        self.assertEqual(second.state, "active")
        self.assertEqual(first.state, "archived")
        first.with_user(self.ai_manager).action_activate()
        self.assertEqual(first.state, "active")
        self.assertEqual(second.state, "archived")
        self.assertEqual(self._active(), first)
        # the chatter: events by subtype and tracked scores, read in each
        # reader's language (nothing of the writer's language is stored)
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["pyme_ai_base"], ["es_ES"])
        activated, replaced = first.message_ids[0], second.message_ids[0]
        self.assertEqual(
            activated.subtype_id, self.env.ref("pyme_ai_base.mt_model_activated")
        )
        self.assertEqual(
            replaced.subtype_id, self.env.ref("pyme_ai_base.mt_model_replaced")
        )
        self.assertFalse(activated.body)
        for lang, text, label in (
            ("es_ES", "Modelo activado", "Puntuación de validación"),
            ("en_US", "Model activated", "Holdout Score"),
        ):
            message = activated.with_context(lang=lang)
            self.assertIn(text, message.subtype_id.description)
            (tracking,) = message.tracking_value_ids._tracking_value_format()
            self.assertEqual(tracking["changedField"], label)
            self.assertEqual(
                (tracking["oldValue"]["value"], tracking["newValue"]["value"]),
                (second.primary_score, first.primary_score),
            )
        first.with_user(self.ai_manager).action_archive_model()
        self.assertEqual(
            first.message_ids[0].subtype_id,
            self.env.ref("pyme_ai_base.mt_model_archived"),
        )

    def test_single_active_model_per_kind(self):
        first = self._train().model_id
        second = self._train().model_id
        with self.assertRaises(ValidationError), mute_logger("odoo.sql_db"):
            first.state = "active"
            first.flush_recordset()
        self.assertEqual(self._active(), second)

    def test_failing_training_keeps_active_model(self):
        active = self._train().model_id
        with mute_logger(LOGGER):
            run = self._train(fail=True)
        self.assertEqual(run.state, "failed")
        self.assertIn("synthetic training failure", run.message)
        self.assertEqual(run.model_id.state, "failed")
        self.assertIn("synthetic training failure", run.model_id.failure_message)
        self.assertEqual(self._active(), active)

    def test_too_little_data_is_one_notice_not_a_failure(self):
        models = self.env["pyme.ai.model"].search([])
        self.env["ir.config_parameter"].set_param("pyme_ai_base.min_samples", "5000")
        with self.assertNoLogs(LOGGER, level="WARNING"):
            first = self._train(rows=5)
            run = self._train(rows=1234)
        self.assertEqual(run.state, "no_data")
        self.assertEqual(run.message, "Only 1,234 rows; 5,000 are needed.")
        self.assertEqual(run.message_code, "few_rows")
        self.assertEqual(run.message_params, {"rows": 1234, "needed": 5000})
        # no failed model, and the later notice replaces the earlier one
        self.assertEqual(self.env["pyme.ai.model"].search([]), models)
        self.assertFalse(first.exists())
        notice = self.capability._ai_notice()
        self.assertTrue(notice.startswith("Only 1,234 rows; 5,000 are needed. "))
        self.assertIn("demo company", notice)
        # Settings > AI lists it once, with the hint once
        settings = self.env["res.config.settings"].create({})
        self.assertIn(
            "<strong>Test kind</strong>: Only 1,234 rows", settings.pyme_ai_notices
        )
        self.assertEqual(settings.pyme_ai_notices.count("demo company"), 1)
        self.env["ir.config_parameter"].set_param("pyme_ai_base.min_samples", "20")
        self._train()
        self.assertFalse(self.capability._ai_notice())

    def test_worse_model_is_rejected(self):
        active = self._train(noise=0.0).model_id
        run = self._train(noise=3.0)
        self.assertEqual(run.state, "rejected")
        self.assertIn("worse than the active model", run.message)
        self.assertEqual(run.model_id.state, "failed")
        self.assertEqual(self._active(), active)
        # An administrator may still choose the rejected model explicitly.
        run.model_id.with_user(self.ai_manager).action_activate()
        self.assertEqual(self._active(), run.model_id)

    def test_tampered_artifact_is_refused_and_reported(self):
        model = self._train().model_id
        attachment = model.attachment_id
        attachment.raw = self.corrupt(attachment.raw)
        with mute_logger(MODEL_LOGGER):
            self.assertIsNone(model._load_engine_model())
        self.assertEqual(model.state, "failed")
        # stored as a code, read in each reader's language
        self.assertEqual(model.failure_code, "refused_altered")
        self.assertEqual(
            model.failure_message, "Refused: its file is damaged or was altered."
        )
        self.env["res.lang"]._activate_lang("es_ES")
        self.assertEqual(
            model.with_context(lang="es_ES").failure_message,
            "Rechazado: su archivo está dañado o fue alterado.",
        )
        self.assertEqual(
            model.message_ids[0].subtype_id,
            self.env.ref("pyme_ai_base.mt_model_refused"),
        )
        self.assertFalse(self._active())

    def test_artifact_signed_with_other_key_is_refused(self):
        model = self._train().model_id
        self.env["ir.config_parameter"].sudo().set_param("database.secret", "another")
        with mute_logger(MODEL_LOGGER):
            action = model.with_user(self.ai_manager).action_activate()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertEqual(model.failure_code, "refused_signature")
        self.assertIn("another key", model.failure_message)
        self.assertEqual(model.state, "failed")

    def test_apply_cron_processes_batches(self):
        self._train()
        partners = self.env["res.partner"].create([{"name": f"P{i}"} for i in range(5)])
        capability = self.capability.with_context(pyme_ai_test_partner_ids=partners.ids)
        for __ in range(3):
            capability._cron_ai_apply()
        self.assertTrue(all(p.comment for p in partners))
        runs = self.env["pyme.ai.run"].search(
            [("kind", "=", "test_kind"), ("operation", "=", "apply")]
        )
        self.assertEqual(sorted(runs.mapped("records_count")), [1, 2, 2])

    def test_access_rights(self):
        model = self._train().model_id
        other = self._train().model_id
        # AI users read models and runs but cannot change them
        self.assertEqual(model.with_user(self.ai_user).display_name, model.display_name)
        self.assertTrue(model.with_user(self.ai_user).run_ids)
        with self.assertRaises(AccessError):
            model.with_user(self.ai_user).action_activate()
        with self.assertRaises(AccessError):
            model.with_user(self.ai_user).unlink()
        with self.assertRaises(UserError):
            self.capability.with_user(self.ai_user).action_ai_train_now()
        # users outside the AI groups do not see the registry at all
        with self.assertRaises(AccessError):
            self.registry_model.with_user(self.plain_user).search([])
        # AI administrators roll back
        model.with_user(self.ai_manager).action_activate()
        self.assertEqual(self._active(), model)
        self.assertEqual(other.state, "archived")
