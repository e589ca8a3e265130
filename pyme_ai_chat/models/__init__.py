from . import pyme_ai_chat_faq
from . import pyme_ai_chat_conversation
from . import pyme_ai_chat_assistant
from . import ir_http
from . import res_config_settings
from . import pyme_ai_chat_rate
