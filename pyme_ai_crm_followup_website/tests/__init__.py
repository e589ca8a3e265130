from . import test_pricing_followup
