"""pyme_ai engine: the intelligence behind the pyme_ai Odoo addons.

Pure Python (numpy, scikit-learn, joblib, phonenumbers); it never imports Odoo.
"""

__version__ = "0.4.0"
