# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
import copy
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from pyme_ai import persistence
from pyme_ai.base import PymeAiError

from ..tools import ai_param, error_message, notify, sql_array, user_error
from .capability_case import LOGGER, MODEL_LOGGER, PymeAiCapabilityCase


@tagged("post_install", "-at_install")
class TestContract(PymeAiCapabilityCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a, cls.company_b = cls.env["res.company"].create(
            [{"name": "AI company A"}, {"name": "AI company B"}]
        )
        cls.companies = cls.company_a | cls.company_b

    def _only_companies(self, companies=None):
        """Patch the capability to serve only ``companies`` (default: A and B)."""
        companies = companies if companies is not None else self.companies
        return patch.object(
            type(self.capability), "_ai_companies", lambda self: companies.sudo()
        )

    def _progress(self, cron):
        return self.env["ir.cron.progress"].create(
            {"cron_id": cron.id, "done": 0, "remaining": 0}
        )

    def _runs(self, company, operation="train"):
        return self.env["pyme.ai.run"].search(
            [
                ("kind", "=", "test_kind"),
                ("operation", "=", operation),
                ("company_id", "=", company.id),
            ]
        )

    # ------------------------------------------------------------- contract
    def test_every_registered_capability_fits_the_contract(self):
        capability = self.env["pyme.ai.capability"]
        names = self.env.registry.descendants([capability._name], "_inherit")
        checked = []
        for name in names:
            model = self.env[name]
            if model._ai_kind and name != "pyme.ai.test.broken.capability":
                self.assertEqual(model._ai_contract_errors(), [], name)
                checked.append(name)
        self.assertIn("pyme.ai.test.capability", checked)
        self.assertEqual(capability._ai_contract_errors(), [])

    def test_incomplete_capability_is_reported(self):
        errors = self.env["pyme.ai.test.broken.capability"]._ai_contract_errors()
        text = "\n".join(errors)
        for missing in (
            "_ai_fit() is not implemented",
            "_ai_apply() is not implemented",
            "_ai_apply_domain() is not implemented",
            "_ai_train_cron_xmlid is not set",
            "_ai_apply_cron_xmlid is not set",
            "_ai_target_model None is unknown",
            "_ai_metrics['auc']",
        ):
            self.assertIn(missing, text)
        self.assertNotIn("_ai_training_data", text)
        # a capability with nothing to apply needs neither _ai_apply nor its cron
        broken = type(self.env["pyme.ai.test.broken.capability"])
        with patch.object(broken, "_ai_apply_mode", "none"):
            errors = self.env["pyme.ai.test.broken.capability"]._ai_contract_errors()
        self.assertNotIn("_ai_apply() is not implemented", errors)
        self.assertNotIn("_ai_apply_cron_xmlid is not set", errors)
        with patch.object(broken, "_ai_apply_mode", "sometimes"):
            errors = self.env["pyme.ai.test.broken.capability"]._ai_contract_errors()
        self.assertIn("is not one of", "\n".join(errors))

    def test_register_hook_logs_what_is_missing(self):
        with self.assertLogs(LOGGER, "ERROR") as logs:
            self.env["pyme.ai.test.broken.capability"]._register_hook()
        self.assertIn("_ai_fit() is not implemented", logs.output[0])
        with self.assertNoLogs(LOGGER, "ERROR"):
            self.capability._register_hook()

    def test_cron_of_another_model_is_reported(self):
        self.apply_cron.model_id = self.env["ir.model"]._get_id("res.partner")
        errors = self.capability._ai_contract_errors()
        self.assertEqual(len(errors), 1)
        self.assertIn("runs on res.partner", errors[0])

    # ------------------------------------------------------------- training
    def test_killed_worker_run_is_closed_by_next_call(self):
        # A worker killed mid-training leaves its committed run "running" and
        # unlocked (the lock died with its transaction).
        left = self.env["pyme.ai.run"].create(
            {
                "kind": "test_kind",
                "operation": "train",
                "company_id": self.company_a.id,
                "start_date": fields.Datetime.now() - timedelta(minutes=5),
            }
        )
        self.assertEqual(left.state, "running")
        # a run this transaction works on is not stale
        self.assertFalse(self.capability._ai_close_stale_runs(exclude=left.ids))
        self.assertEqual(left.state, "running")
        with self._only_companies(self.company_b), mute_logger(LOGGER):
            self.capability._cron_ai_train()
        self.assertEqual(left.state, "failed")
        self.assertEqual(left.message, "Interrupted (the server stopped).")
        self.assertTrue(left.end_date)
        self.assertEqual(self._runs(self.company_b).state, "done")

    def test_training_cron_does_one_company_per_call(self):
        lastcall = fields.Datetime.now() - timedelta(hours=1)
        capability = self.capability.with_context(lastcall=lastcall)
        with self._only_companies():
            progress = self._progress(self.train_cron)
            capability.with_context(ir_cron_progress_id=progress.id)._cron_ai_train()
            self.assertEqual((progress.done, progress.remaining), (1, 1))
            self.assertEqual(len(self._runs(self.company_a)), 1)
            self.assertFalse(self._runs(self.company_b))
            self.assertTrue(self._active(self.company_a))

            progress = self._progress(self.train_cron)
            capability.with_context(ir_cron_progress_id=progress.id)._cron_ai_train()
            self.assertEqual((progress.done, progress.remaining), (1, 0))
            self.assertEqual(len(self._runs(self.company_b)), 1)
            self.assertTrue(self._active(self.company_b))

            # the round is over: a further call of the same round does nothing
            progress = self._progress(self.train_cron)
            capability.with_context(ir_cron_progress_id=progress.id)._cron_ai_train()
            self.assertEqual((progress.done, progress.remaining), (0, 0))
            self.assertEqual(len(self._runs(self.company_a)), 1)

            # the next round starts over, least recently trained company first
            now = fields.Datetime.now()
            self._runs(self.company_a).start_date = now - timedelta(minutes=10)
            self._runs(self.company_b).start_date = now - timedelta(minutes=20)
            progress = self._progress(self.train_cron)
            self.capability.with_context(
                lastcall=now - timedelta(minutes=5), ir_cron_progress_id=progress.id
            )._cron_ai_train()
            self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(len(self._runs(self.company_a)), 1)
        self.assertEqual(len(self._runs(self.company_b)), 2)

    def test_training_cron_without_lastcall_uses_the_transaction(self):
        with self._only_companies():
            self.capability._cron_ai_train()
            self.capability._cron_ai_train()
            self.capability._cron_ai_train()
        self.assertEqual(len(self._runs(self.company_a)), 1)
        self.assertEqual(len(self._runs(self.company_b)), 1)

    def test_first_round_of_a_cron_counts_every_run_since_it_exists(self):
        # Before its first round completes a cron has no lastcall; the runner
        # still passes the key (None) and its own id.
        capability = self.capability.with_context(
            lastcall=None, cron_id=self.train_cron.id
        )
        with self._only_companies():
            for expected in [(1, 1), (1, 0), (0, 0)]:
                progress = self._progress(self.train_cron)
                capability.with_context(
                    ir_cron_progress_id=progress.id
                )._cron_ai_train()
                self.assertEqual((progress.done, progress.remaining), expected)
        self.assertEqual(len(self._runs(self.company_a)), 1)
        self.assertEqual(len(self._runs(self.company_b)), 1)

    def test_activation_queues_the_apply_cron(self):
        self.assertFalse(self._triggers(self.apply_cron))
        self._train()
        self.assertTrue(self._triggers(self.apply_cron))

    def test_after_activate_hook_gets_the_previous_model(self):
        calls = []

        def hook(capability, ai_model, previous):
            calls.append((ai_model, previous, capability.env.company))

        first = self._train().model_id
        with patch.object(type(self.capability), "_ai_after_activate", hook):
            second = self._train().model_id
            with mute_logger(LOGGER):
                self._train(noise=30.0)  # rejected: not activated
            first.with_user(self.ai_manager).action_activate()  # rollback
        self.assertEqual(
            calls,
            [
                (second, first, self.env.company),
                (first, second, self.env.company),
            ],
        )

    def test_unprotected_capability_accepts_a_worse_model(self):
        self._train(noise=0.0)
        with patch.object(type(self.capability), "_ai_protect_active", False):
            run = self._train(noise=3.0)
        self.assertEqual(run.state, "done")
        self.assertEqual(self._active(), run.model_id)

    def test_metrics_table_shows_directions(self):
        model = self._train().model_id
        self.assertIn("higher is better", model.metrics_html)
        self.assertIn("Holdout rows", model.metrics_html)
        self.assertEqual(
            model._metric_info(model._capability())["auc"],
            ("AUC (ranking quality)", "higher"),
        )

    # ------------------------------------------------------------- applying
    def _two_companies_trained(self):
        models = self.env["pyme.ai.model"]
        for company in self.companies:
            run = self.capability.with_company(company)._ai_train()
            self.assertEqual(run.state, "done")
            models |= run.model_id
        self.env["ir.cron.trigger"].search([]).unlink()
        partners = self.env["res.partner"]
        for company in self.companies:
            values = {"name": company.name, "company_id": company.id}
            partners |= self.env["res.partner"].create([values, values])
        return models, partners

    def _apply_once(self, partners, **ctx):
        capability = self.capability.with_context(
            pyme_ai_test_partner_ids=partners.ids, **ctx
        )
        with self._only_companies(), mute_logger(MODEL_LOGGER):
            capability._cron_ai_apply()

    def _assert_isolated(self, models, partners, reason):
        model_a, model_b = models
        self.assertEqual(model_a.state, "failed")
        self.assertIn(reason, model_a.failure_message)
        self.assertEqual(
            model_a.message_ids[0].subtype_id,
            self.env.ref("pyme_ai_base.mt_model_refused"),
        )
        self.assertTrue(self._triggers(self.train_cron), "retraining is queued")
        self.assertEqual(model_b.state, "active")
        a_partners = partners.filtered(lambda p: p.company_id == self.company_a)
        b_partners = partners - a_partners
        self.assertFalse(any(a_partners.mapped("comment")))
        self.assertTrue(all(b_partners.mapped("comment")))
        # the refused model is not tried again
        self._apply_once(partners)
        self.assertEqual(model_a.state, "failed")

    def test_missing_artifact_refused_other_company_applied(self):
        models, partners = self._two_companies_trained()
        models[0].attachment_id.unlink()
        self._apply_once(partners)
        self._assert_isolated(models, partners, "artifact file is missing")

    def test_corrupt_artifact_refused_other_company_applied(self):
        models, partners = self._two_companies_trained()
        attachment = models[0].attachment_id
        attachment.raw = self.corrupt(attachment.raw)
        self._apply_once(partners)
        self._assert_isolated(models, partners, "damaged or was altered")

    def _replace_artifact(self, model, key, metadata, engine=None):
        engine = engine or model._read_engine_model()
        data = persistence.dumps(engine, key, metadata=metadata)
        model.attachment_id.raw = data
        model.artifact_checksum = persistence.checksum(data)

    def test_artifact_of_another_secret_refused_other_company_applied(self):
        models, partners = self._two_companies_trained()
        self._replace_artifact(
            models[0],
            "pyme_ai:a copied database's secret",
            {"kind": "test_kind", "company_id": self.company_a.id},
        )
        self._apply_once(partners)
        self._assert_isolated(models, partners, "another key")

    def test_artifact_of_another_company_refused_other_company_applied(self):
        models, partners = self._two_companies_trained()
        self._replace_artifact(
            models[0],
            self.registry_model._signing_key(),
            {"kind": "test_kind", "company_id": self.company_b.id},
        )
        self._apply_once(partners)
        self._assert_isolated(models, partners, "company")

    def test_artifact_of_another_kind_refused(self):
        models, partners = self._two_companies_trained()
        engine = copy.deepcopy(models[0]._read_engine_model())
        engine.kind = "lead_scoring"
        self._replace_artifact(
            models[0],
            self.registry_model._signing_key(),
            {"kind": "lead_scoring", "company_id": self.company_a.id},
            engine,
        )
        self._apply_once(partners)
        self._assert_isolated(models, partners, "lead_scoring")

    def test_incompatible_artifact_refused_other_company_applied(self):
        models, partners = self._two_companies_trained()
        engine = models[0]._read_engine_model()
        with patch.object(
            persistence,
            "library_versions",
            return_value={"scikit-learn": "0.1.0", "numpy": "0.1.0"},
        ):
            self._replace_artifact(
                models[0],
                self.registry_model._signing_key(),
                {"kind": "test_kind", "company_id": self.company_a.id},
                engine,
            )
        self._apply_once(partners)
        self._assert_isolated(models, partners, "other versions of the AI libraries")

    def test_failing_apply_refused_other_company_applied(self):
        models, partners = self._two_companies_trained()
        self._apply_once(partners, pyme_ai_test_apply_fail=self.company_a.id)
        self._assert_isolated(models, partners, "synthetic apply failure")
        self.assertIn("Applying the model failed", models[0].failure_message)
        self.assertFalse(self._runs(self.company_a, "apply"), "rolled back")

    def test_company_mode_applies_one_company_per_call(self):
        models, __ = self._two_companies_trained()
        with (
            patch.object(type(self.capability), "_ai_apply_mode", "company"),
            self._only_companies(),
        ):
            self.assertEqual(self.capability._ai_contract_errors(), [])
            counts = []
            for __ in range(3):
                progress = self._progress(self.apply_cron)
                self.capability.with_context(
                    ir_cron_progress_id=progress.id
                )._cron_ai_apply()
                counts.append((progress.done, progress.remaining))
        self.assertEqual(counts, [(1, 1), (1, 0), (0, 0)])
        for company, model in zip(self.companies, models, strict=True):
            run = self._runs(company, "apply")
            self.assertEqual(run.model_id, model)
            self.assertIn(f"scored by {model.id}", company.partner_id.comment)

    def test_none_mode_applies_nothing(self):
        self._train()
        with patch.object(type(self.capability), "_ai_apply_mode", "none"):
            self.capability._cron_ai_apply()
        self.assertFalse(self._runs(self.env.company, "apply"))

    # --------------------------------------------------- switch and train-now
    def _state(self):
        states = self.env["pyme.ai.capability.state"]
        action = states.action_open_capabilities()
        self.assertEqual(action["res_model"], "pyme.ai.capability.state")
        return states.search([("kind", "=", "test_kind")])

    def test_capability_state_rows_are_synced(self):
        state = self._state()
        self.assertEqual(len(state), 1)
        self.assertEqual(state.name, "Test kind")
        self._state()  # idempotent
        kinds = self.env["pyme.ai.capability.state"].search([]).mapped("kind")
        self.assertEqual(len(kinds), len(set(kinds)))
        self.assertEqual(set(kinds), set(dict(self.registry_model._selection_kind())))

    def test_toggle_switches_both_crons(self):
        state = self._state().with_user(self.ai_manager)
        self.assertTrue(state.enabled)
        state.enabled = False
        self.assertFalse(self.train_cron.active)
        self.assertFalse(self.apply_cron.active)
        self.assertFalse(self.capability._ai_is_enabled())
        state.invalidate_recordset()
        self.assertFalse(state.enabled)
        state.enabled = True
        self.assertTrue(self.train_cron.active and self.apply_cron.active)
        with self.assertRaises(AccessError):
            self._state().with_user(self.ai_user).enabled = False

    def test_train_now_queues_the_training_cron(self):
        state = self._state()
        self.assertFalse(self._triggers(self.train_cron))
        action = state.with_user(self.ai_manager).action_train_now()
        self.assertEqual(action["tag"], "display_notification")
        self.assertTrue(self._triggers(self.train_cron))
        self.assertFalse(self._runs(self.env.company), "queued, not run")
        with self.assertRaises(UserError):
            state.with_user(self.ai_user).action_train_now()

    def test_state_shows_active_model_and_last_run(self):
        run = self._train()
        state = self._state()
        self.assertEqual(state.active_model_id, run.model_id)
        self.assertEqual(state.last_run_id, run)
        self.assertEqual(state.last_run_state, "done")
        self.assertFalse(state.with_company(self.company_a).active_model_id)

    # ------------------------------------------------------------- helpers
    def test_ai_param_casts_and_clamps(self):
        params = self.env["ir.config_parameter"].sudo()
        cases = [
            ("", float, None, None, 1.5),
            ("abc", float, None, None, 1.5),
            ("nan", float, None, None, 1.5),
            ("2.5", float, None, None, 2.5),
            ("7", int, 1, 5, 5),
            ("-3", int, 0, None, 0),
            ("3.5", int, None, None, 1.5),
            ("True", bool, None, None, True),
            ("0", bool, None, None, False),
            ("maybe", bool, None, None, 1.5),
            (" text ", str, None, None, "text"),
        ]
        for raw, cast, low, high, expected in cases:
            with self.subTest(raw=raw, cast=cast):
                params.set_param("pyme_ai_base.test_param", raw)
                value = ai_param(
                    self.env, "pyme_ai_base.test_param", 1.5, cast, low, high
                )
                self.assertEqual(value, expected)
                self.assertEqual(
                    self.capability._ai_param(
                        "pyme_ai_base.test_param", 1.5, cast, low, high
                    ),
                    expected,
                )
        params.set_param("pyme_ai_base.min_samples", "0")
        self.assertEqual(self.capability._ai_min_samples(), 1)
        params.set_param("pyme_ai_base.min_samples", "many")
        self.assertEqual(self.capability._ai_min_samples(), 20)
        params.set_param("pyme_ai_base.regression_margin", "-1")
        self.assertEqual(self.capability._ai_regression_margin(), 0.0)

    def test_sql_array_reads_back_as_the_list(self):
        moment = fields.Datetime.now()
        cases = [
            ([3, None, 1, 2], "int"),
            ([0.5, 1e-05, None, -2.25], "float8"),
            ([moment, None, moment.replace(microsecond=123456)], "timestamp"),
            ([], "int"),
        ]
        for values, sql_type in cases:
            with self.subTest(values=values):
                array = sql_array(iter(values), sql_type)
                self.assertEqual(len(array.params), 1)  # one literal, not ARRAY[...]
                self.env.cr.execute(SQL("SELECT %s", array))
                self.assertEqual(self.env.cr.fetchone()[0], values)

    def test_notify_and_errors(self):
        action = notify(self.env, "Done", type="success", next_action={"x": 1})
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"],
            {"type": "success", "message": "Done", "sticky": False, "next": {"x": 1}},
        )
        error = user_error(PymeAiError("too few leads"))
        self.assertIsInstance(error, UserError)
        self.assertEqual(str(error), "too few leads")
        self.assertEqual(error_message(UserError("no data")), "no data")
        self.assertEqual(error_message(KeyError("x")), "KeyError('x')")
