#!/usr/bin/env bash
# Whole-system benchmark of CivicGrid, on SQLite and on a throwaway PostgreSQL 15 + PostGIS cluster:
#
#   1. a fresh demo server: `create` (POST /api/v1/cases from concurrent clients);
#   2. server stopped, `seed-bulk` writes BENCH_CASES synthetic cases straight into its database;
#   3. server restarted: `list` (GET /api/v1/cases, a rotating mix of filters), then `create` again
#      on the big table.
#
#   5. Open311 (BENCH_SCENARIOS=open311): a fresh demo server with its submission limit lifted;
#      `open311` (POST requests.json, GET the list and one request, in turn).
#
#   4. sensing ingestion (BENCH_SCENARIOS=ingest): a fresh demo server, `seed-devices` registers
#      BENCH_INGEST_REGISTERED devices straight into its database, the server restarts without the
#      demo simulation, then `ingest --raw` (a bare MQTT broker: the reference figure) and `ingest`
#      (BENCH_INGEST_DEVICES of them publish QoS 1 in a closed loop: durable msg/s, alarm latency,
#      server memory) run back to back.
#
#   ./bench/run-bench.sh                        # both engines, cases and ingest (~20 min on 2 cores)
#   BENCH_ENGINES=sqlite BENCH_CASES=100000 ./bench/run-bench.sh
#   BENCH_SCENARIOS=ingest ./bench/run-bench.sh # only the ingestion benchmark
#
# The Markdown reports (with the exact command of each figure), the seed summaries, the machine
# description and the server logs go to BENCH_RESULTS; docs/benchmarks.md is written from them by hand.
# Server and load tool share the machine: the figures are for comparing, not for capacity planning.
#
# Environment (default):
#   BENCH_ENGINES            engines to run, in order ("sqlite postgres")
#   BENCH_SCENARIOS          what to run per engine ("cases ingest"; also "open311")
#   BENCH_INGEST_REGISTERED  devices registered before `ingest` (100000)
#   BENCH_INGEST_DEVICES     devices connected and publishing (10000)
#   BENCH_INGEST_DURATION    measured time of each `ingest` run (30s)
#   BENCH_OPEN311_CLIENTS    concurrent clients of `open311` (4)
#   BENCH_OPEN311_DURATION   measured time of `open311` (30s)
#   BENCH_CASES              cases seeded before `list` (1000000)
#   BENCH_CREATE_CLIENTS     concurrent clients of `create` (8)
#   BENCH_CREATE_DURATION    measured time of each `create` run (30s)
#   BENCH_LIST_CLIENTS       concurrent clients of `list` (4)
#   BENCH_LIST_DURATION      measured time of `list` (60s)
#   BENCH_WARMUP             unmeasured warm-up before each run (5s)
#   BENCH_CREATE_AFTER_SEED  1: run `create` again on the seeded table (1)
#   BENCH_RESULTS            results folder (a new /tmp/civicgrid-bench.XXXXXX, kept)
#   BENCH_PG_SETTINGS        extra `postgres -c` settings, e.g. "-c shared_buffers=2GB"
#   BENCH_TRACE              path of dotnet-trace: also record 10 s of the server's thread samples during
#                            the end-to-end `ingest` (ENGINE-7-ingest.nettrace and .speedscope.json) (none)
#   BENCH_SERVER_ENV         extra server settings for `ingest`, e.g. "Telemetry__BatchSize=2000" (none)
set -euo pipefail

cd "$(dirname "$0")/.."
repo=$(pwd)

export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# ingest: 10,000 MQTT connections on each side.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

engines=${BENCH_ENGINES:-sqlite postgres}
scenarios=${BENCH_SCENARIOS:-cases ingest}
ingest_registered=${BENCH_INGEST_REGISTERED:-100000}
ingest_devices=${BENCH_INGEST_DEVICES:-10000}
ingest_duration=${BENCH_INGEST_DURATION:-30s}
cases=${BENCH_CASES:-1000000}
create_clients=${BENCH_CREATE_CLIENTS:-8}
create_duration=${BENCH_CREATE_DURATION:-30s}
list_clients=${BENCH_LIST_CLIENTS:-4}
list_duration=${BENCH_LIST_DURATION:-60s}
warmup=${BENCH_WARMUP:-5s}
create_after_seed=${BENCH_CREATE_AFTER_SEED:-1}
open311_clients=${BENCH_OPEN311_CLIENTS:-4}
open311_duration=${BENCH_OPEN311_DURATION:-30s}
trace_tool=${BENCH_TRACE:-}
read -r -a extra_server_env <<<"${BENCH_SERVER_ENV:-}"
results=${BENCH_RESULTS:-$(mktemp -d /tmp/civicgrid-bench.XXXXXX)}
mkdir -p "$results"

PG_BIN=/usr/lib/postgresql/15/bin
server_dir=$repo/src/CivicGrid.Server/bin/Release/net10.0
loadtest_dll=$repo/bench/CivicGrid.LoadTest/bin/Release/net10.0/civicgrid-loadtest.dll

# Every demo account gets this password; it never leaves this machine.
export CIVICGRID_DEMO_PASSWORD=${CIVICGRID_DEMO_PASSWORD:-bench-$RANDOM$RANDOM-pw}
export CIVICGRID_ADMIN_PASSWORD=${CIVICGRID_ADMIN_PASSWORD:-bench-$RANDOM$RANDOM-root}
# The demo's Open311 client key (`open311`).
export CIVICGRID_DEMO_API_KEY=${CIVICGRID_DEMO_API_KEY:-cg311_bench$RANDOM$RANDOM$RANDOM$RANDOM}

work=$(mktemp -d /tmp/civicgrid-bench-work.XXXXXX)
server_pid="" pg_dir="" pg_cs="" server_url="" started=$SECONDS

log() { printf '[run-bench %4ds] %s\n' "$(( SECONDS - started ))" "$*" >&2; }
fail() { log "ERROR: $*"; exit 1; }

# Runs a command as the cluster owner: `postgres` when we are root (PostgreSQL refuses root).
as_pg() {
    if [[ $EUID -eq 0 ]]; then
        (cd / && runuser -u postgres -- "$@")
    else
        "$@"
    fi
}

stop_server() {
    [[ -n $server_pid ]] || return 0
    if kill -0 "$server_pid" 2>/dev/null; then
        kill -TERM "$server_pid" 2>/dev/null || true
        local _
        for _ in {1..300}; do
            kill -0 "$server_pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -0 "$server_pid" 2>/dev/null && kill -KILL "$server_pid" 2>/dev/null
    fi
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

stop_cluster() {
    [[ -n $pg_dir && -f $pg_dir/data/postmaster.pid ]] || return 0
    local pm_pid _
    pm_pid=$(head -n 1 "$pg_dir/data/postmaster.pid" 2>/dev/null)
    as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -m fast -w stop >/dev/null 2>&1 || true
    for _ in {1..50}; do
        [[ $pm_pid =~ ^[0-9]+$ && -e /proc/$pm_pid ]] || break
        sleep 0.1
    done
}

# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local rc=$?
    set +e
    stop_server
    stop_cluster
    [[ -n $pg_dir ]] && rm -rf "$pg_dir"
    rm -rf "$work"
    log "results in $results"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP

port_in_use() { ss -Hltn "sport = :$1" 2>/dev/null | grep -q .; }

free_port() {
    local port
    for _ in {1..50}; do
        port=$(( 20000 + (RANDOM * 32768 + RANDOM) % 40000 ))
        port_in_use "$port" || { echo "$port"; return 0; }
    done
    return 1
}

# start_server ENGINE DATA_DIR [plain]: the demo server (plain: without --demo, so without its live
# simulation) from its own folder (so that its appsettings.json, and with it the production log
# levels, apply), on a free loopback port with its MQTT broker on another; waits for /health/ready.
# Extra settings come from the array server_env.
server_env=()
start_server() {
    local engine=$1 data=$2 mode=${3:-demo} port _
    port=$(free_port) || fail "no free port"
    server_url="http://127.0.0.1:$port"
    mqtt_port=$(free_port) || fail "no free port"
    local -a env=(Mqtt__Port="$mqtt_port" Mqtt__BindAddress=127.0.0.1 "${server_env[@]}")
    if [[ $engine == postgres ]]; then
        env+=(Database__Provider=Postgres "Database__ConnectionString=$pg_cs" Database__MigrateOnStart=true)
    fi
    local -a flags=(--data-dir "$data" --urls "$server_url")
    [[ $mode == demo ]] && flags+=(--demo)
    (cd "$server_dir" && exec env "${env[@]}" dotnet civicgrid.dll "${flags[@]}") \
        >>"$results/server-$engine.log" 2>&1 &
    server_pid=$!
    local t0=$SECONDS
    for _ in {1..600}; do
        kill -0 "$server_pid" 2>/dev/null || { tail -n 20 "$results/server-$engine.log" >&2; fail "the $engine server exited"; }
        curl -sf -o /dev/null "$server_url/health/ready" && { log "$engine server ready on $server_url after $(( SECONDS - t0 )) s"; return 0; }
        sleep 0.5
    done
    fail "the $engine server was not ready within 300 s"
}

start_cluster() {
    [[ -x $PG_BIN/initdb ]] || fail "PostgreSQL 15 is not installed ($PG_BIN); scripts/test.sh installs it"
    pg_dir=$(mktemp -d /tmp/civicgrid-bench-pg.XXXXXX)
    if [[ $EUID -eq 0 ]]; then
        chown postgres: "$pg_dir"
    fi
    chmod 700 "$pg_dir"
    as_pg "$PG_BIN/initdb" -D "$pg_dir/data" -A trust -U postgres --encoding=UTF8 --locale=C.UTF-8 >"$pg_dir/initdb.log" 2>&1 \
        || { cat "$pg_dir/initdb.log" >&2; fail "initdb failed"; }
    local port
    port=$(free_port) || fail "no free port"
    # Durable defaults (fsync, synchronous_commit and full_page_writes on), unlike scripts/test.sh:
    # commit latency is part of what `create` measures. Memory sized for a small dedicated server.
    # shellcheck disable=SC2086  # BENCH_PG_SETTINGS is a list of options
    as_pg "$PG_BIN/pg_ctl" -D "$pg_dir/data" -l "$pg_dir/postgres.log" -w -t 60 \
        -o "-p $port -k $pg_dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c shared_buffers=1GB -c effective_cache_size=8GB -c work_mem=16MB -c maintenance_work_mem=512MB ${BENCH_PG_SETTINGS:-}" \
        start >/dev/null || { tail -n 20 "$pg_dir/postgres.log" >&2; fail "PostgreSQL did not start"; }
    as_pg "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$pg_dir" -p "$port" -U postgres -d postgres \
        -c 'CREATE DATABASE civicgrid' >/dev/null || fail "could not create the database"
    pg_cs="Host=127.0.0.1;Port=$port;Username=postgres;Database=civicgrid;Maximum Pool Size=100"
    log "PostgreSQL $(as_pg "$PG_BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$port ($pg_dir)"
}

machine() {
    {
        echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
        echo "commit: $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)"
        echo "nproc: $(nproc)"
        echo "dotnet: $(dotnet --version)"
        echo "kernel: $(uname -sr)"
        [[ -x $PG_BIN/postgres ]] && echo "postgres: $("$PG_BIN/postgres" --version)"
        echo
        free -h
        echo
        lscpu | head -n 20
    } >"$results/machine.txt"
}

loadtest() { dotnet "$loadtest_dll" "$@"; }

run_create() {
    local engine=$1 label=$2 out=$3
    log "$engine: create ($create_clients clients, $create_duration) — $label"
    loadtest create --url "$server_url" --clients "$create_clients" --duration "$create_duration" --warmup "$warmup" \
        --label "$label" --out "$results/$out.md" >/dev/null
}

# run_ingest ENGINE PROVIDER CONNECTION NAME DATA_DIR
run_ingest() {
    local engine=$1 provider=$2 connection=$3 name=$4 data=$5
    start_server "$engine" "$data"
    stop_server
    log "$engine: seed-devices ($ingest_registered devices)"
    loadtest seed-devices --provider "$provider" --connection "$connection" --count "$ingest_registered" --out "$work/devices.tsv" \
        | tee "$results/$engine-5-seed-devices.txt"
    # The benchmark's devices publish far faster than a field device may (5 msg/s by default). The
    # classifier's retraining (tens of seconds of CPU on the demo's cases, due shortly after a start
    # when no model was saved yet) is switched off: on 2 cores it starved the writer past the
    # acknowledgement timeout in one run, which measures the retraining, not the ingestion.
    server_env=(Telemetry__MaxMessagesPerSecond=1000000 Telemetry__Burst=1000000 Intake__Retrain__Enabled=false "${extra_server_env[@]}")
    start_server "$engine" "$data" plain
    server_env=()
    log "$engine: ingest --raw ($ingest_devices devices, $ingest_duration)"
    local broker_port broker_pid _
    broker_port=$(free_port) || fail "no free port"
    # Started directly (not through the loadtest function) so that $! is the broker's own process.
    dotnet "$loadtest_dll" broker --port "$broker_port" >"$results/$engine-6-broker.log" 2>&1 &
    broker_pid=$!
    for _ in {1..100}; do
        port_in_use "$broker_port" && break
        sleep 0.2
    done
    loadtest ingest --raw --mqtt-port "$broker_port" --devices-file "$work/devices.tsv" --devices "$ingest_devices" --duration "$ingest_duration" --warmup "$warmup" \
        --server-pid "$broker_pid" --label "raw broker (bare MQTTnet in its own process, one subscriber), while the $name server idles" --out "$results/$engine-6-ingest-raw.md" >/dev/null
    kill -TERM "$broker_pid" 2>/dev/null || true
    wait "$broker_pid" 2>/dev/null || true
    log "$engine: ingest ($ingest_devices of $ingest_registered devices, $ingest_duration)"
    loadtest ingest --mqtt-port "$mqtt_port" --url "$server_url" --devices-file "$work/devices.tsv" --devices "$ingest_devices" \
        --duration "$ingest_duration" --warmup "$warmup" --server-pid "$server_pid" \
        --label "$name, end to end ($ingest_registered devices registered)" --out "$results/$engine-7-ingest.md" >/dev/null &
    local ingest_pid=$!
    if [[ -n $trace_tool ]]; then
        # A CPU-sample trace of the server over the middle of the measured window (the warm-up and connecting first).
        sleep $(( ${warmup%s} + 15 ))
        "$trace_tool" collect -p "$server_pid" --profile dotnet-sampled-thread-time --duration 00:00:00:10 --format Speedscope \
            -o "$results/$engine-7-ingest.nettrace" >"$results/$engine-7-trace.log" 2>&1 || log "$engine: the trace failed (see $engine-7-trace.log)"
    fi
    wait "$ingest_pid" || fail "ingest failed"
    stop_server
}

# run_open311 ENGINE NAME DATA_DIR: the demo server with the per-client submission limit lifted
# (otherwise most POSTs are rightly answered 429) and without the classifier's retraining (CPU the
# requests would share); Open311 clients POST and read requests in turn.
run_open311() {
    local engine=$1 name=$2 data=$3
    server_env=(Security__Open311Submit__PermitLimit=1000000 Intake__Retrain__Enabled=false)
    start_server "$engine" "$data"
    server_env=()
    log "$engine: open311 ($open311_clients clients, $open311_duration)"
    loadtest open311 --url "$server_url" --clients "$open311_clients" --duration "$open311_duration" --warmup "$warmup" \
        --label "$name, demo district" --out "$results/$engine-8-open311.md" >/dev/null
    stop_server
}

run_engine() {
    local engine=$1 provider data connection name
    data=$(mktemp -d "$work/$engine.XXXXXX")
    if [[ $engine == postgres ]]; then
        start_cluster
        provider=Postgres connection=$pg_cs name=PostgreSQL
    else
        provider=Sqlite connection=$data/civicgrid.db name=SQLite
    fi

    if [[ " $scenarios " == *" ingest "* ]]; then
        run_ingest "$engine" "$provider" "$connection" "$name" "$data"
        if [[ $engine == postgres ]]; then
            stop_cluster
            rm -rf "$pg_dir"
            start_cluster
            connection=$pg_cs
        else
            rm -rf "$data"
            data=$(mktemp -d "$work/$engine.XXXXXX")
            connection=$data/civicgrid.db
        fi
    fi

    if [[ " $scenarios " == *" open311 "* ]]; then
        run_open311 "$engine" "$name" "$data"
        if [[ $engine == postgres ]]; then
            stop_cluster
            rm -rf "$pg_dir"
            start_cluster
            connection=$pg_cs
        else
            rm -rf "$data"
            data=$(mktemp -d "$work/$engine.XXXXXX")
            connection=$data/civicgrid.db
        fi
    fi

    if [[ " $scenarios " != *" cases "* ]]; then
        [[ $engine == postgres ]] && { stop_cluster; rm -rf "$pg_dir"; pg_dir=""; }
        rm -rf "$data"
        return 0
    fi

    start_server "$engine" "$data"
    run_create "$engine" "$name, demo district (~10k cases)" "$engine-1-create"
    stop_server

    log "$engine: seed-bulk $cases cases"
    loadtest seed-bulk --provider "$provider" --connection "$connection" --count "$cases" | tee "$results/$engine-2-seed.txt"

    start_server "$engine" "$data"
    log "$engine: list ($list_clients clients, $list_duration)"
    loadtest list --url "$server_url" --clients "$list_clients" --duration "$list_duration" --warmup "$warmup" \
        --label "$name, $cases bulk cases" --out "$results/$engine-3-list.md" >/dev/null
    if [[ $create_after_seed == 1 ]]; then
        run_create "$engine" "$name, after seeding $cases cases" "$engine-4-create-seeded"
    fi
    stop_server
    if [[ $engine == postgres ]]; then
        stop_cluster
        rm -rf "$pg_dir"
        pg_dir=""
    fi
    rm -rf "$data"
}

log "building (Release) ..."
dotnet build src/CivicGrid.Server/CivicGrid.Server.csproj -c Release -nologo -v q >/dev/null || fail "server build failed"
dotnet build bench/CivicGrid.LoadTest/CivicGrid.LoadTest.csproj -c Release -nologo -v q >/dev/null || fail "load tool build failed"
machine

for engine in $engines; do
    case $engine in
        sqlite | postgres) run_engine "$engine" ;;
        *) fail "unknown engine '$engine' (sqlite, postgres)" ;;
    esac
done

log "done in $(( SECONDS - started )) s"
cat "$results"/*.md
