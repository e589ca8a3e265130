from . import test_partner_orders
