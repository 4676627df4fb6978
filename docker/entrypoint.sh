#!/bin/bash
# Entry point of the trace image: wait for PostgreSQL, create the demo database on first start
# (every addon mounted at /mnt/extra-addons, with demo data, in the language TRACE_LANG: an Odoo
# language code, default zh_CN, en_US for English), then run Odoo on it. Extra arguments go to Odoo.
set -euo pipefail
DB=${TRACE_DB:-trace_demo}
TRACE_LANG=${TRACE_LANG:-zh_CN}
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
known_lang() {  # is $1 one of the languages Odoo ships (base/data/res.lang.csv)?
    python3 - "$1" <<'PY'
import csv
import sys
from odoo.tools.misc import file_open
with file_open("base/data/res.lang.csv") as f:
    sys.exit(0 if sys.argv[1] in {row["code"] for row in csv.DictReader(f)} else 1)
PY
}

set_admin_lang() {  # language $1 becomes the admin's and the main company's, as Odoo's database manager does
    python3 - "$DB" "$1" "${DB_ARGS[@]}" <<'PY'
import sys
import odoo
from odoo import SUPERUSER_ID, api
db, lang = sys.argv[1:3]
odoo.tools.config.parse_config(sys.argv[3:])
with odoo.modules.registry.Registry(db).cursor() as cr:
    env = api.Environment(cr, SUPERUSER_ID, {})
    if not env["res.lang"]._lang_get(lang):
        sys.exit(f"the language {lang} was not loaded into {db}")
    env.ref("base.user_admin").lang = lang
    env.ref("base.main_company").partner_id.lang = lang
PY
}

drop_db() {
    python3 - "$DB" "${DB_ARGS[@]}" <<'PY'
import sys
import odoo
odoo.tools.config.parse_config(sys.argv[2:])
if sys.argv[1] in odoo.service.db.list_dbs(True):
    odoo.service.db.exp_drop(sys.argv[1])
PY
}

if [ "$EXISTS" = 0 ]; then
    if ! known_lang "$TRACE_LANG"; then
        echo "TRACE_LANG=$TRACE_LANG is not a language code of Odoo (e.g. zh_CN, en_US)" >&2
        exit 2
    fi
    MODULES=$(for m in /mnt/extra-addons/*/__manifest__.py; do basename "$(dirname "$m")"; done | paste -sd, -)
    echo "creating database $DB in $TRACE_LANG with $MODULES and demo data (first start: a few minutes)"
    # Odoo loads --load-language right after base, and each addon's translations only after its demo
    # data: base and the language first, then the admin's language, then the addons, whose demo data
    # is written in that language.
    INSTALL_ARGS=("${DB_ARGS[@]}" --addons-path=/mnt/extra-addons -d "$DB" --stop-after-init)
    if ! { odoo "${INSTALL_ARGS[@]}" -i base --load-language="$TRACE_LANG" \
            && set_admin_lang "$TRACE_LANG" \
            && odoo "${INSTALL_ARGS[@]}" -i "$MODULES"; }; then
        echo "creating $DB failed; dropping the half-made database $DB" >&2
        drop_db || true
        exit 1
    fi
fi
# one database named by -d, no --db-filter: with a filter Odoo lists the databases on a new
# PostgreSQL connection for every request without a session (every consumer's scan), which
# halves the public page's throughput (bench/run public); -d alone serves that database only
exec odoo "${DB_ARGS[@]}" --addons-path=/mnt/extra-addons -d "$DB" --workers=0 "$@"
