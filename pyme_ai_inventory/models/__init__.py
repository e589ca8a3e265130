from . import pyme_ai_product_forecast
from . import product_product
from . import stock_warehouse_orderpoint
from . import pyme_ai_demand_forecasting
from . import res_config_settings
