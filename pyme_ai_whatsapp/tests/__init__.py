from . import test_whatsapp
