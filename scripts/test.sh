#!/usr/bin/env bash
# Runs every CivicGrid test suite against a throwaway PostgreSQL 15 + PostGIS cluster, and the
# console's browser tests with Debian's Chromium, and the external-broker tests with Mosquitto (both installed with
# apt-get when missing and root).
#
#   ./scripts/test.sh [extra dotnet test args, e.g. --filter FullyQualifiedName~Cases]
#
# The last line printed is always "N passed, N failed, N skipped".
# Environment:
#   CI                        when set, a missing PostgreSQL, Chromium or Mosquitto is an error instead of a warning
#   CIVICGRID_TEST_POSTGRES   when already set, that server is used and no cluster is started
#   CIVICGRID_TEST_RESULTS    directory to keep the .trx files in (default: a temp dir, removed)
set -euo pipefail

cd "$(dirname "$0")/.."

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

PG_BIN=/usr/lib/postgresql/15/bin
POSTGIS_CONTROL=/usr/share/postgresql/15/extension/postgis.control

passed=0 failed=0 skipped=0 summary_printed=0
pg_dir="" results_dir="" results_tmp=""

log() { printf '[test.sh] %s\n' "$*" >&2; }

summary() {
    printf '%d passed, %d failed, %d skipped\n' "$passed" "$failed" "$skipped"
    summary_printed=1
}

# Runs a command as the cluster owner: `postgres` when we are root (PostgreSQL refuses root),
# otherwise ourselves.
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    set +e
    if [[ -n $pg_dir && -d $pg_dir ]]; then
        if [[ -f $pg_dir/data/postmaster.pid ]]; then
            local pm_pid _
            pm_pid=$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null)
            as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m immediate -w stop >/dev/null 2>&1
            # pg_ctl daemonizes the postmaster, so init reaps it; wait a little for that so that
            # no (defunct) postgres is left behind when we return.
            for _ in {1..50}; do
                [[ $pm_pid =~ ^[0-9]+$ && -e /proc/$pm_pid ]] || break
                sleep 0.1
            done
        fi
        rm -rf "$pg_dir"
    fi
    [[ -n $results_tmp ]] && rm -rf "$results_tmp"
    # Every exit path (errors, signals) ends with the summary line.
    [[ $summary_printed -eq 1 ]] || summary
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

fail() {
    log "ERROR: $*"
    summary
    exit 1
}

pg_available() { [[ -x $PG_BIN/initdb && -x $PG_BIN/pg_ctl && -f $POSTGIS_CONTROL ]]; }

# --- 1. PostgreSQL 15 + PostGIS -----------------------------------------------------------------
ensure_postgres() {
    pg_available && return 0
    if [[ $EUID -ne 0 ]]; then
        log "PostgreSQL 15 / PostGIS not installed and not root: cannot install them."
        return 1
    fi
    local main_was_online=0
    if command -v pg_lsclusters >/dev/null 2>&1 && pg_lsclusters -h 2>/dev/null | grep -Eq '^15 +main .* online'; then
        main_was_online=1
    fi
    log "installing postgresql-15 and postgresql-15-postgis-3 (apt-get) ..."
    if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
            --no-install-recommends postgresql-15 postgresql-15-postgis-3 >/dev/null; }; then
        log "apt-get install failed."
        return 1
    fi
    # The Debian package may create and start a default cluster; we never use it.
    if [[ $main_was_online -eq 0 ]] && command -v pg_ctlcluster >/dev/null 2>&1 \
        && pg_lsclusters -h 2>/dev/null | grep -Eq '^15 +main .* online'; then
        log "stopping the default cluster 15/main that the package install started"
        pg_ctlcluster 15 main stop || true
    fi
    pg_available
}

# --- 2. throwaway cluster -----------------------------------------------------------------------
port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

start_cluster() {
    pg_dir=$(mktemp -d /tmp/civicgrid-pg.XXXXXX)
    if [[ $EUID -eq 0 ]]; then
        id postgres >/dev/null 2>&1 || fail "user 'postgres' does not exist"
        chown postgres: "$pg_dir"
    fi
    chmod 700 "$pg_dir"
    # Password authentication over TCP, as in production: code that reconnects with a connection
    # string Npgsql has stripped of its password fails here, not in a city's data centre.
    printf 'postgres\n' >"$pg_dir/pwfile"
    [[ $EUID -eq 0 ]] && chown postgres: "$pg_dir/pwfile"
    as_pg "$PG_BIN/initdb" -D "$pg_dir/data" --auth-local=trust --auth-host=scram-sha-256 --pwfile="$pg_dir/pwfile" \
        -U postgres --encoding=UTF8 --locale=C.UTF-8 \
        >"$pg_dir/initdb.log" 2>&1 || { cat "$pg_dir/initdb.log" >&2; fail "initdb failed"; }

    local attempt port
    for attempt in 1 2 3 4 5 6 7 8 9 10; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        port_in_use "$port" && continue
        if as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
            -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300" \
            start >/dev/null; then
            PG_PORT=$port
            break
        fi
        log "PostgreSQL did not start on port $port (attempt $attempt):"
        tail -n 5 "$pg_dir/postgres.log" >&2 || true
    done
    [[ -n ${PG_PORT:-} ]] || fail "could not start PostgreSQL"

    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$PG_PORT" -U postgres -d template1 \
        -c 'CREATE EXTENSION IF NOT EXISTS postgis' || fail "could not create the postgis extension"
    log "PostgreSQL $(as_pg "$PG_BIN/postgres" --version | awk '{print $3}') + PostGIS on 127.0.0.1:$PG_PORT ($pg_dir)"
}

if [[ -n ${CIVICGRID_TEST_POSTGRES:-} ]]; then
    log "using CIVICGRID_TEST_POSTGRES from the environment; no throwaway cluster started"
elif ensure_postgres; then
    start_cluster
    export CIVICGRID_TEST_POSTGRES="Host=127.0.0.1;Port=$PG_PORT;Username=postgres;Password=postgres;Database=postgres;Include Error Detail=true"
elif [[ -n ${CI:-} ]]; then
    fail "PostgreSQL 15 + PostGIS unavailable and CI is set"
else
    log "WARNING: PostgreSQL 15 + PostGIS unavailable: PostgreSQL tests will NOT run against a database"
fi

# --- 3. Chromium + a CJK font for the console's browser tests ---------------------------------
# Playwright drives Debian's Chromium (never its own browser download); Chinese text needs a CJK font.
deb_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

browser_available() { [[ -x /usr/bin/chromium ]] && deb_installed fonts-noto-cjk; }

ensure_browser() {
    browser_available && return 0
    if [[ $EUID -ne 0 ]]; then
        log "chromium / fonts-noto-cjk not installed and not root: cannot install them."
        return 1
    fi
    log "installing chromium and fonts-noto-cjk (apt-get) ..."
    if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
            --no-install-recommends chromium fonts-noto-cjk >/dev/null; }; then
        log "apt-get install failed."
        return 1
    fi
    browser_available
}

if ensure_browser; then
    log "$(/usr/bin/chromium --version 2>/dev/null | head -n 1) for the browser tests"
elif [[ -n ${CI:-} ]]; then
    fail "chromium + fonts-noto-cjk unavailable and CI is set"
else
    log "WARNING: chromium + fonts-noto-cjk unavailable: the console's browser tests will be SKIPPED"
fi

# Mosquitto: the external-broker tests start a real one (tests/.../Infrastructure/Mosquitto.cs).
mosquitto_available() { [[ -x /usr/sbin/mosquitto && -x /usr/bin/mosquitto_passwd ]]; }

ensure_mosquitto() {
    mosquitto_available && return 0
    if [[ $EUID -ne 0 ]]; then
        log "mosquitto not installed and not root: cannot install it."
        return 1
    fi
    log "installing mosquitto (apt-get) ..."
    if ! { apt-get -o DPkg::Lock::Timeout=600 update -qq && DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
            --no-install-recommends mosquitto >/dev/null; }; then
        log "apt-get install failed."
        return 1
    fi
    mosquitto_available
}

if ensure_mosquitto; then
    log "$(/usr/sbin/mosquitto -h 2>/dev/null | head -n 1) for the external-broker tests"
elif [[ -n ${CI:-} ]]; then
    fail "mosquitto unavailable and CI is set"
else
    log "WARNING: mosquitto unavailable: the external-broker tests will be SKIPPED"
fi

# --- 4. build once ------------------------------------------------------------------------------
log "building (Release) ..."
if ! dotnet build CivicGrid.slnx -c Release -nologo -v q; then
    fail "build failed"
fi

# --- 5. test ------------------------------------------------------------------------------------
if [[ -n ${CIVICGRID_TEST_RESULTS:-} ]]; then
    results_dir=$CIVICGRID_TEST_RESULTS
    mkdir -p "$results_dir"
    rm -f "$results_dir"/*.trx
else
    results_tmp=$(mktemp -d /tmp/civicgrid-results.XXXXXX)
    results_dir=$results_tmp
fi

log "testing ..."
# LogFilePrefix, not LogFileName: with a fixed LogFileName every test project of the solution writes
# the same file and only the last one survives; LogFilePrefix reserves a unique file per project.
test_rc=0
dotnet test CivicGrid.slnx -c Release --no-build --nologo \
    --logger "trx;LogFilePrefix=civicgrid" --results-directory "$results_dir" "$@" || test_rc=$?

# --- 6. count -----------------------------------------------------------------------------------
attr() { sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2"; }

shopt -s nullglob
trx_files=("$results_dir"/*.trx)
shopt -u nullglob

executed=0 failed_names=""
for trx in "${trx_files[@]}"; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1 || true)
    [[ -n $counters ]] || continue
    p=$(attr passed "$counters"); f=$(attr failed "$counters"); e=$(attr error "$counters")
    t=$(attr timeout "$counters"); a=$(attr aborted "$counters"); n=$(attr notExecuted "$counters")
    x=$(attr executed "$counters"); total=$(attr total "$counters")
    # VSTest writes skipped tests as outcome="NotExecuted" but leaves the notExecuted counter at 0;
    # they show up as total - executed.
    s=$(( ${total:-0} - ${x:-0} )); (( ${n:-0} > s )) && s=${n:-0}
    passed=$(( passed + ${p:-0} ))
    failed=$(( failed + ${f:-0} + ${e:-0} + ${t:-0} + ${a:-0} ))
    skipped=$(( skipped + s ))
    executed=$(( executed + ${x:-0} ))
    names=$(grep -o '<UnitTestResult [^>]*outcome="\(Failed\|Error\|Timeout\|Aborted\)"[^>]*>' "$trx" \
        | sed -n 's/.* testName="\([^"]*\)".*/\1/p' \
        | sed 's/&quot;/"/g; s/&apos;/'"'"'/g; s/&lt;/</g; s/&gt;/>/g; s/&amp;/\&/g' || true)
    [[ -n $names ]] && failed_names+="$names"$'\n'
done

if [[ -n $failed_names ]]; then
    echo
    echo "Failed tests:"
    printf '%s' "$failed_names" | sed '/^$/d; s/^/  - /'
fi
echo

status=0
if [[ ${#trx_files[@]} -eq 0 ]]; then
    log "ERROR: no test results (.trx) were produced"; status=1
elif (( passed + failed == 0 && executed == 0 )); then
    log "ERROR: no test ran"; status=1
fi
if (( failed > 0 )); then
    status=1
elif [[ $test_rc -ne 0 ]]; then
    log "ERROR: dotnet test exited with $test_rc although no test failed (crashed test host?)"
    status=1
fi

summary
exit "$status"
