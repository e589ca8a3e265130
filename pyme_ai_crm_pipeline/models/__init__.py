from . import crm_lead
from . import pyme_ai_capability
from . import pyme_ai_deal_risk
from . import pyme_ai_revenue_forecast
from . import pyme_ai_revenue_forecast_line
from . import pyme_ai_insight
from . import pyme_ai_crm_kpi
from . import res_config_settings
