"""Unusual vendor bills and payments: duplicates, bank-account risks, outliers.

::

    from pyme_ai import payments

    model = payments.PaymentRiskModel().fit({"bills": bills, "payments": paid})
    found = model.explain({"bills": new_bills, "payments": new_payments,
                           "feedback": [{"vendor": "V1", "code": "same_amount"}]})
    found["bills"]["score"], found["bills"]["reasons"]   # codes + params

``payments.evaluate(data)`` returns a TrainingResult (the share of recent bills it
would flag); ``payments.sample.generate_ledger`` draws ledgers with planted cases.
"""

from .model import (
    BILL_COLUMNS,
    FEEDBACK_FACTOR,
    KIND,
    PAYMENT_COLUMNS,
    REASON_CODES,
    PaymentRiskError,
    PaymentRiskModel,
    evaluate,
)
from .references import edit_distance, is_sequence, near_reference, normalize_reference
