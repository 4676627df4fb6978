from . import test_counties, test_dealer_tour, test_dealers, test_partner_county, test_shipping_binding
