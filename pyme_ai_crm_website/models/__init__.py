from . import pyme_ai_lead_scoring
from . import pyme_ai_followup_rule
