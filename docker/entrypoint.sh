#!/bin/bash
# Wait for PostgreSQL, create the demo database on first start, then run Odoo.
set -euo pipefail
DB=${TRACE_DB:-trace_demo}
DB_ARGS=(--db_host="${HOST:-db}" --db_port="${PORT:-5432}" --db_user="${USER:-odoo}" --db_password="${PASSWORD:-odoo}")
for _ in $(seq 1 60); do
    python3 - "${DB_ARGS[@]}" <<'PY' && break
import sys, odoo
odoo.tools.config.parse_config(sys.argv[1:])
odoo.sql_db.db_connect("postgres").cursor().close()
PY
    echo "waiting for PostgreSQL..."; sleep 2
done
EXISTS=$(python3 - "$DB" "${DB_ARGS[@]}" <<'PY'
import sys, odoo
odoo.tools.config.parse_config(sys.argv[2:])
print(1 if sys.argv[1] in odoo.service.db.list_dbs(True) else 0)
PY
)
if [ "$EXISTS" = 0 ]; then
    odoo "${DB_ARGS[@]}" --addons-path=/mnt/extra-addons -d "$DB" -i product_trace --stop-after-init
fi
exec odoo "${DB_ARGS[@]}" --addons-path=/mnt/extra-addons -d "$DB" --db-filter="^$DB\$" "$@"
