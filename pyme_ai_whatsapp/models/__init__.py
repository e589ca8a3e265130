from . import pyme_ai_whatsapp_mixin
from . import res_partner
