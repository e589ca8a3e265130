from . import pyme_ai_capability
