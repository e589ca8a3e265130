from . import test_website_features
