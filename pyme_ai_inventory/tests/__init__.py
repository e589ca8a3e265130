from . import test_access
from . import test_forecast
from . import test_history
from . import test_install
from . import test_promotions
