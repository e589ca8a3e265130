from . import pyme_ai_model
from . import pyme_ai_run
from . import pyme_ai_capability
from . import pyme_ai_capability_state
from . import res_config_settings
