from . import test_website_features
from . import test_pricing_followup
