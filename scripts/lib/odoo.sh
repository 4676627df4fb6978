# Odoo discovery shared by scripts/test, scripts/serve and bench/run (sourced, bash).
#
# find_odoo: sets ODOO_EXE (the executable: $ODOO_BIN, else `odoo` on PATH), ODOO_PY (its Python:
# $ODOO_PYTHON, else the interpreter of the executable's shebang, symlinks resolved; a plain
# `python3` shebang, as odoo-bin has, means the python3 on PATH) and ODOO_DB_ARGS (an array built
# from PGHOST, PGPORT, PGUSER, PGPASSWORD); or returns 1 with ODOO_MISSING saying what is missing.

find_odoo() {
    ODOO_MISSING=""
    if [ -n "${ODOO_BIN:-}" ]; then
        ODOO_EXE=$ODOO_BIN
        if [ ! -x "$ODOO_EXE" ]; then
            ODOO_MISSING="ODOO_BIN=$ODOO_BIN is not an executable file"
            return 1
        fi
    else
        ODOO_EXE=$(command -v odoo 2>/dev/null || true)
        if [ -z "$ODOO_EXE" ]; then
            ODOO_MISSING="no Odoo 18 found (set ODOO_BIN or put odoo on PATH)"
            return 1
        fi
    fi
    ODOO_PY=${ODOO_PYTHON:-}
    if [ -z "$ODOO_PY" ]; then
        local shebang interpreter
        shebang=$(head -n 1 "$(readlink -f "$ODOO_EXE")" 2>/dev/null || true)
        case "$shebang" in
            "#!"*) ;;
            *) ODOO_MISSING="$ODOO_EXE has no #! line naming its Python (set ODOO_PYTHON)"; return 1 ;;
        esac
        read -r interpreter shebang_arg <<<"${shebang#\#!}"
        case "$interpreter" in
            */env) interpreter=${shebang_arg:-} ;;  # "#!/usr/bin/env python3"
        esac
        case "$interpreter" in
            /*) ODOO_PY=$interpreter ;;
            *) ODOO_PY=$(command -v "${interpreter:-python3}" 2>/dev/null || true) ;;
        esac
    fi
    if [ -z "$ODOO_PY" ] || ! "$ODOO_PY" -c 'import odoo' 2>/dev/null; then
        ODOO_MISSING="Odoo's Python (${ODOO_PY:-not found}, read from $ODOO_EXE) cannot import odoo (set ODOO_PYTHON)"
        return 1
    fi
    local version
    version=$("$ODOO_EXE" --version 2>/dev/null | grep -o 'Odoo Server [0-9a-z.~+-]*' || true)
    case "$version" in
        "Odoo Server 18."*) ;;
        *) ODOO_MISSING="$ODOO_EXE is not Odoo 18 (it says: ${version:-nothing})"; return 1 ;;
    esac
    ODOO_DB_ARGS=()
    if [ -n "${PGHOST:-}" ]; then ODOO_DB_ARGS+=("--db_host=$PGHOST"); fi
    if [ -n "${PGPORT:-}" ]; then ODOO_DB_ARGS+=("--db_port=$PGPORT"); fi
    if [ -n "${PGUSER:-}" ]; then ODOO_DB_ARGS+=("--db_user=$PGUSER"); fi
    if [ -n "${PGPASSWORD:-}" ]; then ODOO_DB_ARGS+=("--db_password=$PGPASSWORD"); fi
    return 0
}

# pip install into Odoo's Python, also when it is a distribution's "externally managed" Python.
odoo_pip_install() {
    local extra=()
    if "$ODOO_PY" -c 'import os, sys, sysconfig; sys.exit(sys.prefix != sys.base_prefix or not os.path.exists(os.path.join(sysconfig.get_path("stdlib"), "EXTERNALLY-MANAGED")))' 2>/dev/null; then
        extra=(--break-system-packages)
    fi
    local log
    log=$(mktemp)
    if ! "$ODOO_PY" -m pip install -q --disable-pip-version-check "${extra[@]}" "$@" >"$log" 2>&1; then
        cat "$log" >&2
        rm -f "$log"
        return 1
    fi
    rm -f "$log"
}

# Make sure Odoo's Python imports this repository's tracekit (editable, so the addons always run
# the library as it is in the work tree) with the dependencies its pyproject asks for now.
# A stamp in var/ remembers which Python got which pyproject + constraints.
ensure_odoo_tracekit() {
    local repo=$1 where stamp stamp_file=$1/var/odoo-python-tracekit.stamp
    where=$("$ODOO_PY" -c 'import os, tracekit; print(os.path.realpath(tracekit.__file__))' 2>/dev/null || true)
    stamp="$ODOO_PY $(cat "$repo/tracekit/pyproject.toml" "$repo/tracekit/constraints-odoo18.txt" \
        "$repo/addons/requirements.txt" | sha256sum | cut -c1-16)"
    case "$where" in
        "$(realpath "$repo")/tracekit/"*) [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ] && return 0 ;;
    esac
    echo "installing this repository's tracekit into Odoo's Python ($ODOO_PY)"
    if ! "$ODOO_PY" -m pip --version >/dev/null 2>&1; then
        echo "Odoo's Python ($ODOO_PY) has no pip: install pip there, or tracekit by hand" >&2
        return 1
    fi
    odoo_pip_install -c "$repo/tracekit/constraints-odoo18.txt" -e "$repo/tracekit" -r "$repo/addons/requirements.txt" \
        || { echo "could not install tracekit (and addons/requirements.txt) into $ODOO_PY" >&2; return 1; }
    mkdir -p "$repo/var"
    echo "$stamp" >"$stamp_file"
}

# HttpCase browser tours need websocket-client in Odoo's Python and a Chrome/Chromium that Odoo
# finds on PATH (the names odoo/tests/common.py looks for). Installs websocket-client if missing;
# sets TOURS_MISSING to what is still missing ("" when tours can run).
check_tour_prerequisites() {
    TOURS_MISSING=""
    if ! "$ODOO_PY" -c 'import websocket' 2>/dev/null; then
        echo "installing websocket-client into Odoo's Python ($ODOO_PY) for browser tours"
        odoo_pip_install websocket-client || true
        "$ODOO_PY" -c 'import websocket' 2>/dev/null || TOURS_MISSING="websocket-client in $ODOO_PY"
    fi
    local browser found=""
    for browser in google-chrome chromium chromium-browser google-chrome-stable; do
        if command -v "$browser" >/dev/null 2>&1; then found=$browser; break; fi
    done
    if [ -z "$found" ]; then
        TOURS_MISSING="${TOURS_MISSING:+$TOURS_MISSING and }a chromium on PATH (apt-get install chromium)"
    fi
}

odoo_free_port() {
    "$ODOO_PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# Does database $1 exist? Prints 1 or 0; fails when PostgreSQL cannot be reached.
odoo_db_exists() {
    "$ODOO_PY" - "$1" "${ODOO_DB_ARGS[@]}" <<'PY'
import sys
import odoo
odoo.tools.config.parse_config(sys.argv[2:])
print(1 if sys.argv[1] in odoo.service.db.list_dbs(True) else 0)
PY
}

odoo_drop_db() {
    "$ODOO_PY" - "$1" "${ODOO_DB_ARGS[@]}" <<'PY'
import sys
import odoo
odoo.tools.config.parse_config(sys.argv[2:])
if sys.argv[1] in odoo.service.db.list_dbs(True):
    odoo.service.db.exp_drop(sys.argv[1])
PY
}

# find_odoo, and when none is found (and ODOO_BIN is not set), this repository's own Odoo in
# var/odoo18, installed by scripts/setup-odoo from ODOO_SOURCE on first use. Returns 1 with
# ODOO_MISSING saying what failed when neither works.
find_or_setup_odoo() {
    local repo=$1 exe log
    find_odoo && return 0
    [ -n "${ODOO_BIN:-}" ] && return 1  # an explicit choice that does not work is not replaced
    log=$(mktemp)
    echo "no Odoo 18 found: installing one with scripts/setup-odoo (ODOO_SOURCE=${ODOO_SOURCE:-the official Odoo 18.0 source})" >&2
    if exe=$(timeout 3000 "$repo/scripts/setup-odoo" 2>"$log" | tail -n 1) && [ -x "$exe" ]; then
        cat "$log" >&2
        rm -f "$log"
        ODOO_BIN=$exe find_odoo && { ODOO_EXE=$exe; return 0; }
        return 1
    fi
    cat "$log" >&2
    ODOO_MISSING="no Odoo 18 found and scripts/setup-odoo could not install one: $(grep 'setup-odoo:' "$log" | grep -v 'full log' | tail -n 1 | sed 's/^setup-odoo: //')"
    rm -f "$log"
    return 1
}

# The addons of this repository, comma-separated (every folder of addons/ with a manifest).
all_addons() {
    local m
    for m in "$1"/*/__manifest__.py; do [ -f "$m" ] && basename "$(dirname "$m")"; done | paste -sd, -
}
