from . import pyme_ai_followup_rule
