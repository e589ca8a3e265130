from . import test_install
from . import test_lead_scoring
from . import test_vocabulary
