from . import test_whatsapp_lead
