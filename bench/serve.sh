#!/usr/bin/env bash
# PoshServer vs nginx serving the same POSH document over HTTPS on loopback, same certificate and key, same client
# settings, interleaved rounds (A/B/A/B): HTTP/1.1 keep-alive, a new connection (TLS handshake) per request, HTTP/2.
# Beside requests/s and latency, each round records the server's CPU time per request answered (user + system time
# from /proc, all threads, divided by the requests the client got): the robust figure on a shared machine.
# Beside them, "kestrel" (bench/KestrelFloor): the same document, headers and certificate from a bare Kestrel app, the
# floor of any ASP.NET Core server here; PoshServer against it is the part of the gap to nginx that is PoshServer's own.
# FLOOR=0 leaves it out.
# VARIANTS runs several PoshServer configurations in the same interleaved rounds, each "name=ENV=value ENV=value",
# separated by ';' (configuration keys work as environment variables too, e.g. Kestrel__...). Default: "posh=".
# Output: a table in $RESULTS_DIR/serve-<date>.md (and to stdout).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx h2load openssl curl taskset dotnet
bench_init
[[ -n "${KEEP_WORK:-}" ]] && trap - EXIT

if [[ "$QUICK" == 1 ]]; then DURATION=2; ROUNDS=1; WARMUP=1; else DURATION="${DURATION:-10}"; ROUNDS="${ROUNDS:-3}"; WARMUP=5; fi
POSH_PORT=18443; POSH_HTTP=18080; NGINX_PORT=18444; FLOOR_PORT=18445
FLOOR="${FLOOR:-1}"
VARIANTS="${VARIANTS:-posh=}"
CLK_TCK=$(getconf CLK_TCK)
# h2load's warm-up would be CPU time without counted requests.
export H2LOAD_WARMUP=0
TENANT=t1.bench.test
PATH_DOC=/.well-known/posh/xmpp-server.json
OUT="$RESULTS_DIR/serve-$(date -u +%Y%m%d-%H%M%S)$(quick_suffix).md"

publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" posh.hoster.bench.test "*.bench.test" localhost
mkdir -p "$WORK/tenants"
write_tenants_skeleton "$WORK/tenants"
generate_tenants "$WORK/tenants" 1000

declare -A URL=() PIDS=() ENVS=()
NAMES=()
i=0
IFS=';' read -r -a variant_list <<<"$VARIANTS"
for variant in "${variant_list[@]}"; do
    name="${variant%%=*}"; env_vars="${variant#*=}"
    port=$((POSH_PORT + 10 * i)); http=$((POSH_HTTP + 10 * i))
    POSH_ENV="$env_vars" start_posh "$name" "$port" "$http" "$WORK/tenants"
    PIDS[$name]=$POSH_PID; ENVS[$name]="${env_vars:-(defaults)}"; URL[$name]="https://127.0.0.1:$port$PATH_DOC"
    NAMES+=("$name")
    i=$((i + 1))
done
for name in "${NAMES[@]}"; do wait_ready "$(echo "${URL[$name]}" | sed 's/.*:\([0-9]*\)\/.*/\1/')"; done
FIRST="${NAMES[0]}"

# The document nginx serves is the one PoshServer serves, byte for byte.
mkdir -p "$WORK/www/.well-known/posh"
# nginx workers drop root privileges: the web root (only) must be readable by them.
chmod 755 "$WORK"
curl -sk --fail -H "Host: $TENANT" "${URL[$FIRST]}" -o "$WORK/www$PATH_DOC"
cat >"$WORK/nginx.conf" <<NGINX
# The configuration a hoster would write for static POSH files: one worker (one core, like the server under test),
# no access log (PoshServer logs no requests either), the same certificate and key, TLS 1.2 and 1.3, HTTP/2.
worker_processes 1;
daemon off;
pid $WORK/nginx.pid;
error_log $WORK/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    sendfile on;
    tcp_nodelay on;
    keepalive_timeout 60s;
    keepalive_requests 1000000;
    server_tokens off;
    types { application/json json; }
    default_type application/octet-stream;
    client_body_temp_path $WORK/nginx-tmp;
    server {
        listen 127.0.0.1:$NGINX_PORT ssl http2;
        server_name _;
        ssl_certificate $WORK/web.pem;
        ssl_certificate_key $WORK/web.key;
        ssl_protocols TLSv1.2 TLSv1.3;
        root $WORK/www;
        location /.well-known/posh/ { add_header Cache-Control "max-age=60"; }
    }
}
NGINX
mkdir -p "$WORK/nginx-tmp"
taskset -c "$SERVER_CPU" nginx -c "$WORK/nginx.conf" -e "$WORK/nginx-error.log" >"$WORK/nginx.out" 2>&1 &
NGINX_PID=$!
STARTED_PIDS+=("$NGINX_PID")
# answers URL TRIES: waits until URL answers at all (any status), polling every 50 ms at most TRIES times.
answers() { local _; for _ in $(seq "$2"); do curl -sk -o /dev/null "$1" && return; sleep 0.05; done; }
answers "https://127.0.0.1:$NGINX_PORT/" 100

URL[nginx]="https://127.0.0.1:$NGINX_PORT$PATH_DOC"
PIDS[nginx]=$NGINX_PID
for name in "${NAMES[@]}"; do
    cmp <(curl -sk -H "Host: $TENANT" "${URL[$name]}") <(curl -sk -H "Host: $TENANT" "${URL[nginx]}") \
        || { echo "$name and nginx do not serve the same bytes" >&2; exit 1; }
done
SERVERS=("${NAMES[@]}" nginx)

if [[ "$FLOOR" == 1 ]]; then
    log "publishing bench/KestrelFloor (Release)"
    publish_project "$BENCH_DIR/KestrelFloor/KestrelFloor.csproj" "$WORK/floor"
    etag=$(curl -sk -D - -o /dev/null -H "Host: $TENANT" "${URL[$FIRST]}" | awk 'tolower($1) == "etag:" {print $2}' | tr -d '\r')
    taskset -c "$SERVER_CPU" "$WORK/floor/KestrelFloor" "$FLOOR_PORT" "$WORK/web.pem" "$WORK/web.key" "$WORK/www$PATH_DOC" "$etag" >"$WORK/floor.log" 2>&1 &
    PIDS[kestrel]=$!
    STARTED_PIDS+=("${PIDS[kestrel]}")
    URL[kestrel]="https://127.0.0.1:$FLOOR_PORT$PATH_DOC"
    answers "${URL[kestrel]}" 200
    cmp <(curl -sk -D - -H "Host: $TENANT" "${URL[$FIRST]}" | grep -iv '^date:') <(curl -sk -D - -H "Host: $TENANT" "${URL[kestrel]}" | grep -iv '^date:') \
        || { echo "$FIRST and the Kestrel floor do not send the same headers and bytes" >&2; exit 1; }
    SERVERS=("${NAMES[@]}" kestrel nginx)
fi

run_mode() {  # run_mode MODE SERVER DURATION
    local mode="$1" server="$2" duration="$3"
    case "$mode" in
        keepalive) wrk_run "$duration" 32 "${URL[$server]}" "$TENANT" ;;
        newconn)   wrk_run "$duration" 16 "${URL[$server]}" "$TENANT" -H "Connection: close" ;;
        h2)        h2load_run "$duration" 8 16 "${URL[$server]}" "$TENANT" ;;
    esac
}

{
    echo "# PoshServer vs nginx: document serving over HTTPS (loopback)"
    echo
    echo '```'
    machine_description
    echo "command: QUICK=$QUICK bench/serve.sh"
    echo "rounds: $ROUNDS x ${DURATION}s per server and mode, interleaved (${SERVERS[*]}, ${SERVERS[*]}, ...)"
    for name in "${NAMES[@]}"; do echo "$name: ${ENVS[$name]}"; done
    echo "cpu us/req: server user+system CPU time during the round (/proc/<pid>/stat, all threads; nginx master + worker) / requests answered"
    echo "server pinned to cpu $SERVER_CPU, load generator to cpu $CLIENT_CPU; document $(stat -c %s "$WORK/www$PATH_DOC") bytes"
    echo "keepalive: wrk -t1 -c32 (HTTP/1.1); newconn: wrk -t1 -c16 -H 'Connection: close' (a full TLS handshake per request);"
    echo "h2: h2load -t1 -c8 -m16 (HTTP/2, 8 connections x 16 streams)"
    echo '```'
} >"$OUT"

# Warm-up: JIT/tiering and caches on both sides, not measured.
for mode in keepalive newconn h2; do
    for server in "${SERVERS[@]}"; do run_mode "$mode" "$server" "$WARMUP" >/dev/null; done
done

: >"$WORK/rounds.tsv"
for mode in keepalive newconn h2; do
    for round in $(seq "$ROUNDS"); do
        for server in "${SERVERS[@]}"; do
            load=$(load_now)
            pids=$(tree_pids "${PIDS[$server]}")
            before=$(cpu_ticks $pids)
            read -r rps p50 p90 p99 errors < <(run_mode "$mode" "$server" "$DURATION")
            after=$(cpu_ticks $pids)
            requests=$(cat "$WORK/last-requests")
            cpu=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.1f", (n > 0) ? t * 1e6 / hz / n : 0}')
            printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$mode" "$round" "$server" "$rps" "$p50" "$p90" "$p99" "$cpu" "$errors" "$load" >>"$WORK/rounds.tsv"
            log "$mode round $round $server: $rps req/s p50 $p50 p90 $p90 p99 $p99 ms, $cpu us cpu/req ($errors) load $load"
        done
    done
done

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
field() { awk -F'\t' -v m="$1" -v s="$2" -v f="$3" '$1 == m && $3 == s {print $f}' "$WORK/rounds.tsv" | median; }
{
    echo
    echo "## Every round"
    echo
    echo "| mode | round | server | req/s | p50 ms | p90 ms | p99 ms | cpu us/req | errors | load (1/5/15 min) |"
    echo "|---|---|---|---|---|---|---|---|---|---|"
    awk -F'\t' '{printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10}' "$WORK/rounds.tsv"
    echo
    echo "## Summary (median of the rounds; ratios against nginx in the same run)"
    echo
    echo "| mode | server | req/s | req/s vs nginx | p50 / p90 / p99 ms | cpu us/req | cpu vs nginx | cpu vs kestrel |"
    echo "|---|---|---|---|---|---|---|---|"
    for mode in keepalive newconn h2; do
        n_rps=$(field "$mode" nginx 4); n_cpu=$(field "$mode" nginx 8); k_cpu=$( [[ "$FLOOR" == 1 ]] && field "$mode" kestrel 8 || echo 0)
        for server in "${SERVERS[@]}"; do
            rps=$(field "$mode" "$server" 4); cpu=$(field "$mode" "$server" 8)
            echo "| $mode | $server | $rps | $(awk -v a="$rps" -v b="$n_rps" 'BEGIN {printf "%.2fx", (b > 0) ? a / b : 0}') | $(field "$mode" "$server" 5) / $(field "$mode" "$server" 6) / $(field "$mode" "$server" 7) | $cpu | $(awk -v a="$cpu" -v b="$n_cpu" 'BEGIN {printf "%.2fx", (b > 0) ? a / b : 0}') | $(awk -v a="$cpu" -v b="$k_cpu" 'BEGIN {if (b > 0) printf "%.2fx", a / b; else printf "-"}') |"
        done
    done
    echo
    echo "load at end: $(load_now)"
} >>"$OUT"
cat "$OUT"
