from . import test_install
from . import test_lead_scoring
from . import test_vocabulary
from . import test_language
from . import test_query_count
from . import test_stage_rows
from . import test_score_history
