"""The line proxy: reads the line's scanners and cameras, prints and verifies labels, and forwards
every read to Odoo through a durable local outbox. A console command (``trace-proxy``), no Odoo on
the line PC. Nothing is opened or started at import.

Modules: :mod:`.protocol` (the wire protocol, dataclasses), :mod:`.drivers` (devices),
:mod:`.outbox` (SQLite, group commit), :mod:`.station` (role logic), :mod:`.forwarder` (HTTPS),
:mod:`.runner` (the loops), :mod:`.status`, :mod:`.cli`.
"""
