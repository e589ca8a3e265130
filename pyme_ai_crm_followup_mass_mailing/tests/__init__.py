from . import test_email_followup
