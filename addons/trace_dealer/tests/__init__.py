from . import test_counties, test_dealers, test_shipping_binding
