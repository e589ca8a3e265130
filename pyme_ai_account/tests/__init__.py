from . import test_payment_risk
