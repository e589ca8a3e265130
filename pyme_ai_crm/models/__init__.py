from . import pyme_ai_whatsapp_mixin
from . import crm_lead
from . import pyme_ai_lead_score
from . import pyme_ai_lead_scoring
from . import pyme_ai_deal_risk
from . import pyme_ai_insight
from . import res_partner
from . import res_config_settings
