#!/usr/bin/env bash
# PoshServer vs nginx serving the same POSH document over HTTPS on loopback, same certificate and key, same client
# settings, interleaved rounds (A/B/A/B): HTTP/1.1 keep-alive, a new connection (TLS handshake) per request, HTTP/2.
# Output: a table in $RESULTS_DIR/serve-<date>.md (and to stdout).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk nginx h2load openssl curl taskset dotnet
bench_init
[[ -n "${KEEP_WORK:-}" ]] && trap - EXIT

if [[ "$QUICK" == 1 ]]; then DURATION=2; ROUNDS=1; WARMUP=1; else DURATION="${DURATION:-10}"; ROUNDS="${ROUNDS:-3}"; WARMUP=5; fi
POSH_PORT=18443; POSH_HTTP=18080; NGINX_PORT=18444
TENANT=t1.bench.test
PATH_DOC=/.well-known/posh/xmpp-server.json
OUT="$RESULTS_DIR/serve-$(date -u +%Y%m%d-%H%M%S)$(quick_suffix).md"

publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" posh.hoster.bench.test "*.bench.test" localhost
mkdir -p "$WORK/tenants"
write_tenants_skeleton "$WORK/tenants"
generate_tenants "$WORK/tenants" 1000

start_posh posh "$POSH_PORT" "$POSH_HTTP" "$WORK/tenants"
wait_ready "$POSH_PORT"

# The document nginx serves is the one PoshServer serves, byte for byte.
mkdir -p "$WORK/www/.well-known/posh"
# nginx workers drop root privileges: the web root (only) must be readable by them.
chmod 755 "$WORK"
curl -sk --fail -H "Host: $TENANT" "https://127.0.0.1:$POSH_PORT$PATH_DOC" -o "$WORK/www$PATH_DOC"
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
for _ in $(seq 100); do curl -sk -o /dev/null "https://127.0.0.1:$NGINX_PORT/" && break; sleep 0.05; done

cmp <(curl -sk -H "Host: $TENANT" "https://127.0.0.1:$POSH_PORT$PATH_DOC") <(curl -sk -H "Host: $TENANT" "https://127.0.0.1:$NGINX_PORT$PATH_DOC") \
    || { echo "the two servers do not serve the same bytes" >&2; exit 1; }

declare -A URL=([posh]="https://127.0.0.1:$POSH_PORT$PATH_DOC" [nginx]="https://127.0.0.1:$NGINX_PORT$PATH_DOC")

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
    echo "rounds: $ROUNDS x ${DURATION}s per server and mode, interleaved (PoshServer, nginx, PoshServer, nginx, ...)"
    echo "server pinned to cpu $SERVER_CPU, load generator to cpu $CLIENT_CPU; document $(stat -c %s "$WORK/www$PATH_DOC") bytes"
    echo "keepalive: wrk -t1 -c32 (HTTP/1.1); newconn: wrk -t1 -c16 -H 'Connection: close' (a full TLS handshake per request);"
    echo "h2: h2load -t1 -c8 -m16 (HTTP/2, 8 connections x 16 streams)"
    echo '```'
} >"$OUT"

# Warm-up: JIT/tiering and caches on both sides, not measured.
for mode in keepalive newconn h2; do
    for server in posh nginx; do run_mode "$mode" "$server" "$WARMUP" >/dev/null; done
done

for mode in keepalive newconn h2; do
    for round in $(seq "$ROUNDS"); do
        for server in posh nginx; do
            load=$(load_now)
            read -r rps p50 p90 p99 errors < <(run_mode "$mode" "$server" "$DURATION")
            log "$mode round $round $server: $rps req/s p50 $p50 p90 $p90 p99 $p99 ms ($errors) load $load"
        done
    done
done 2>&1 | tee "$WORK/rounds.log" >&2

# Re-read the rounds (the loop above ran in a pipeline, i.e. a subshell).
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
{
    echo
    echo "## Every round"
    echo
    echo "| mode | round | server | req/s | p50 ms | p90 ms | p99 ms | errors | load (1/5/15 min) |"
    echo "|---|---|---|---|---|---|---|---|---|"
    sed -n 's/^[0-9:]* \([a-z0-9]*\) round \([0-9]*\) \([a-z]*\): \([0-9]*\) req\/s p50 \([0-9.]*\) p90 \([0-9.]*\) p99 \([0-9.]*\) ms (\([^)]*\)) load \(.*\)$/| \1 | \2 | \3 | \4 | \5 | \6 | \7 | \8 | \9 |/p' "$WORK/rounds.log"
    echo
    echo "## Summary (median of the rounds)"
    echo
    echo "| mode | PoshServer req/s | nginx req/s | ratio | PoshServer p50/p90/p99 ms | nginx p50/p90/p99 ms |"
    echo "|---|---|---|---|---|---|"
    for mode in keepalive newconn h2; do
        declare -A M=()
        for server in posh nginx; do
            for field in 4 5 6 7; do
                M[$server-$field]=$(sed -n "s/^[0-9:]* $mode round [0-9]* $server: //p" "$WORK/rounds.log" \
                    | awk -v f="$field" '{split("x x x " $1 " " $4 " " $6 " " $8, a, " "); print a[f]}' | median)
            done
        done
        ratio=$(awk -v a="${M[posh-4]}" -v b="${M[nginx-4]}" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}')
        echo "| $mode | ${M[posh-4]} | ${M[nginx-4]} | ${ratio}x | ${M[posh-5]} / ${M[posh-6]} / ${M[posh-7]} | ${M[nginx-5]} / ${M[nginx-6]} / ${M[nginx-7]} |"
    done
    echo
    echo "load at end: $(load_now)"
} >>"$OUT"
cat "$OUT"
