from . import test_install
from . import test_lead_scoring
from . import test_stage_intervals
from . import test_pipeline
from . import test_whatsapp
from . import test_followup
from . import test_revenue_forecast
from . import test_kpi
