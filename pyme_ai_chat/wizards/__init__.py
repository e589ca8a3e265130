from . import pyme_ai_chat_faq_assign
