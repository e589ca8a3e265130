from . import pyme_ai_followup_rule
from . import pyme_ai_followup_log
from . import res_config_settings
