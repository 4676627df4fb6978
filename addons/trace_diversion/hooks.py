def post_init_hook(env):
    """Every company starts with the default rules (a manager tunes or archives them)."""
    env["res.company"].search([])._trace_diversion_default_rules()
