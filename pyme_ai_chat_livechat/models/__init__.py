from . import pyme_ai_chat_conversation
