from . import res_company, res_config_settings, res_partner, trace_outbox, trace_sms_gateway, trace_wechat_gateway
