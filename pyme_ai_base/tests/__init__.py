from . import test_registry
from . import test_contract
from . import test_retention
