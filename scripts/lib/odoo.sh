# Odoo discovery shared by scripts/test, scripts/serve and bench/run (sourced, bash).
# Sets ODOO_EXE (the executable), ODOO_PY (its Python) and ODOO_DB_ARGS (array), or returns 1
# with ODOO_MISSING saying what is missing.

find_odoo() {
    ODOO_EXE=${ODOO_BIN:-$(command -v odoo 2>/dev/null || true)}
    ODOO_MISSING=""
    if [ -z "$ODOO_EXE" ] || [ ! -x "$ODOO_EXE" ]; then
        ODOO_MISSING="no Odoo 18 found (set ODOO_BIN to an odoo/odoo-bin executable or put 'odoo' on PATH)"
        return 1
    fi
    ODOO_PY=${ODOO_PYTHON:-}
    if [ -z "$ODOO_PY" ]; then
        local shebang
        shebang=$(head -1 "$(readlink -f "$ODOO_EXE")" 2>/dev/null || true)
        case "$shebang" in
            "#!"*python*)
                ODOO_PY=${shebang#\#!}
                ODOO_PY=${ODOO_PY%% *}
                case "$ODOO_PY" in */env) ODOO_PY=$(command -v "${shebang##* }") ;; esac
                ;;
            *) ODOO_PY=$(command -v python3) ;;
        esac
    fi
    local version
    version=$("$ODOO_EXE" --version 2>/dev/null | grep -o 'Odoo Server [0-9.]*' || true)
    case "$version" in
        "Odoo Server 18."*) ;;
        *) ODOO_MISSING="$ODOO_EXE is not Odoo 18 (it says: ${version:-nothing})"; return 1 ;;
    esac
    ODOO_DB_ARGS=()
    [ -n "${PGHOST:-}" ] && ODOO_DB_ARGS+=("--db_host=$PGHOST")
    [ -n "${PGPORT:-}" ] && ODOO_DB_ARGS+=("--db_port=$PGPORT")
    [ -n "${PGUSER:-}" ] && ODOO_DB_ARGS+=("--db_user=$PGUSER")
    [ -n "${PGPASSWORD:-}" ] && ODOO_DB_ARGS+=("--db_password=$PGPASSWORD")
    return 0
}

# Make sure Odoo's Python imports this repository's tracekit (and websocket-client for tours).
ensure_odoo_python() {
    local repo=$1
    local where
    where=$("$ODOO_PY" -c 'import os, tracekit; print(os.path.realpath(tracekit.__file__))' 2>/dev/null || true)
    case "$where" in
        "$(realpath "$repo")/tracekit/"*) ;;
        *)
            echo "installing this repository's tracekit into Odoo's Python ($ODOO_PY)"
            "$ODOO_PY" -m pip install -q -c "$repo/tracekit/constraints-odoo18.txt" -e "$repo/tracekit" \
                || { echo "could not install tracekit into $ODOO_PY" >&2; return 1; }
            ;;
    esac
    if ! "$ODOO_PY" -c 'import websocket' 2>/dev/null; then
        "$ODOO_PY" -m pip install -q websocket-client || echo "websocket-client missing: browser tours will be skipped"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
