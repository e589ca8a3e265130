from . import test_stage_intervals
from . import test_pipeline
from . import test_deal_risk
from . import test_revenue_forecast
from . import test_kpi
from . import test_reports
