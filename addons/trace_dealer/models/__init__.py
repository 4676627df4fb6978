from . import res_city, res_partner, trace_county, trace_dealer_territory, trace_prefecture
