from . import test_capability
from . import test_install
from . import test_knowledge
from . import test_routes
from . import test_sales_and_limits
