from . import res_company, res_config_settings, trace_outbox, trace_sms_gateway
