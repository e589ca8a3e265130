# Copyright 2026 pyme_ai contributors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""Throwaway capabilities, loaded only by the tests (odoo_test_helper).

``PymeAiTestCapability`` plugs in with nothing but its attributes, its methods and
two crons (created by the tests); ``PymeAiBrokenCapability`` declares more than it
implements.
"""

import numpy as np
from sklearn.linear_model import LogisticRegression

from odoo import models

from pyme_ai.base import Estimator
from pyme_ai.evaluation import roc_auc_score, stratified_holdout
from pyme_ai.training import TrainingResult

from ..tools import AiNotice


class ToyScorer(Estimator):
    """A logistic regression as an engine estimator."""

    kind = "test_kind"
    _fitted_attribute = "classifier_"

    def __init__(self, c=1.0):
        self.c = c

    def fit(self, data):
        x, y = data
        self.classifier_ = LogisticRegression(C=self.c).fit(x, y)
        return self

    def predict(self, data):
        self.check_fitted()
        return self.classifier_.predict(np.asarray(data))

    def predict_proba(self, data):
        self.check_fitted()
        return self.classifier_.predict_proba(np.asarray(data))[:, 1]


class PymeAiTestCapability(models.AbstractModel):
    _name = "pyme.ai.test.capability"
    _inherit = "pyme.ai.capability"
    _description = "AI Test Capability"

    _ai_kind = "test_kind"
    _ai_kind_label = "Test kind"
    _ai_train_cron_xmlid = "pyme_ai_base.pyme_ai_test_train_cron"
    _ai_apply_cron_xmlid = "pyme_ai_base.pyme_ai_test_apply_cron"
    _ai_target_model = "res.partner"
    _ai_apply_batch_size = 2
    _ai_metrics = {"auc": ("AUC (ranking quality)", "higher")}
    _ai_baseline_labels = {"logistic": "Logistic regression"}
    _ai_notices = {"few_rows": "Only %(rows)s rows; %(needed)s are needed."}

    def _ai_training_data(self):
        """Context keys drive the outcome: rows, noise (0 = perfect signal), fail."""
        ctx = self.env.context
        if ctx.get("pyme_ai_test_fail"):
            raise ValueError("synthetic training failure")
        rows = ctx.get("pyme_ai_test_rows", 200)
        if rows < self._ai_min_samples():
            raise AiNotice(self, "few_rows", rows=rows, needed=self._ai_min_samples())
        rng = np.random.default_rng(0)
        x = rng.normal(size=(rows, 2))
        noise = ctx.get("pyme_ai_test_noise", 0.3)
        y = (x[:, 0] + noise * rng.normal(size=rows) * 3 > 0).astype(int)
        return x, y

    def _ai_fit(self, data):
        x, y = data
        train, test = stratified_holdout(y, random_state=0)
        holdout = ToyScorer().fit((x[train], y[train]))
        score = roc_auc_score(y[test], holdout.predict_proba(x[test]))
        return TrainingResult(
            model=ToyScorer().fit((x, y)),
            metrics={"auc": score, "n": int(len(test))},
            primary_metric="auc",
            n_rows=len(y),
            report={"baselines": {"logistic": {"auc": 0.5}}},
        )

    def _ai_apply_domain(self, ai_model):
        ids = self.env.context.get("pyme_ai_test_partner_ids", [])
        return [
            ("id", "in", ids),
            ("comment", "=", False),
            ("company_id", "in", (ai_model.company_id.id, False)),
        ]

    def _ai_apply(self, records, engine_model, ai_model):
        if self.env.context.get("pyme_ai_test_apply_fail") == self.env.company.id:
            raise ValueError("synthetic apply failure")
        partners = records.partner_id if records._name == "res.company" else records
        for partner in partners:
            partner.comment = f"scored by {ai_model.id}"


class PymeAiBrokenCapability(models.AbstractModel):
    _name = "pyme.ai.test.broken.capability"
    _inherit = "pyme.ai.capability"
    _description = "AI Broken Test Capability"

    _ai_kind = "broken_test_kind"
    _ai_kind_label = "Broken test kind"
    _ai_metrics = {"auc": ("AUC", "up")}

    def _ai_training_data(self):
        return None
