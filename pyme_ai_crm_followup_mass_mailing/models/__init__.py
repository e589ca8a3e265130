from . import mailing_mailing
from . import pyme_ai_followup_rule
