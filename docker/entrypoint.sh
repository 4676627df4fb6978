#!/bin/bash
# Entry point of the trace image: wait for PostgreSQL, create the demo database on first start
# (every addon mounted at /mnt/extra-addons, with demo data), then run Odoo on it. Extra arguments go to Odoo.
set -euo pipefail
DB=${TRACE_DB:-trace_demo}
DB_ARGS=(--db_host="${HOST:-db}" --db_port="${PORT:-5432}" --db_user="${USER:-odoo}" --db_password="${PASSWORD:-odoo}")

db_state() {  # prints 1 if $DB exists, 0 if not; fails while PostgreSQL is not reachable
    python3 - "$DB" "${DB_ARGS[@]}" <<'PY' 2>/dev/null
import sys
import odoo
odoo.tools.config.parse_config(sys.argv[2:])
print(1 if sys.argv[1] in odoo.service.db.list_dbs(True) else 0)
PY
}

for attempt in $(seq 1 60); do
    if EXISTS=$(db_state); then break; fi
    if [ "$attempt" = 60 ]; then echo "PostgreSQL at ${HOST:-db}:${PORT:-5432} did not answer in 120 s" >&2; exit 1; fi
    echo "waiting for PostgreSQL at ${HOST:-db}:${PORT:-5432}..."
    sleep 2
done
if [ "$EXISTS" = 0 ]; then
    MODULES=$(for m in /mnt/extra-addons/*/__manifest__.py; do basename "$(dirname "$m")"; done | paste -sd, -)
    echo "creating database $DB with $MODULES and demo data (first start: a few minutes)"
    odoo "${DB_ARGS[@]}" --addons-path=/mnt/extra-addons -d "$DB" -i "$MODULES" --stop-after-init
fi
exec odoo "${DB_ARGS[@]}" --addons-path=/mnt/extra-addons -d "$DB" --db-filter="^$DB\$" --workers=0 "$@"
