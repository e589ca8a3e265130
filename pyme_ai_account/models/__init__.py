from . import pyme_ai_risk_mixin
from . import pyme_ai_payment_risk
from . import pyme_ai_payment_feedback
from . import account_move
from . import account_payment
from . import res_partner_bank
from . import res_config_settings
