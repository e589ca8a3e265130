from . import crm_lead
from . import pyme_ai_lead_score
from . import pyme_ai_lead_scoring
from . import res_config_settings
