from . import pyme_ai_lead_scoring
from . import crm_lead
from . import pyme_ai_lead_score
from . import res_config_settings
from . import pyme_ai_model
from . import pyme_ai_lead_verdict
