from . import pyme_ai_lead_scoring
