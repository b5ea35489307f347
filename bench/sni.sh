#!/usr/bin/env bash
# TLS with many certificates: new-connection (full handshake per request) rate with 10,000 SNI certificates loaded
# vs one (quick: 200). Both servers run side by side, measured in interleaved rounds. The client asks for
# "localhost", which is one of the 10,000 names (so the SNI lookup hits, as it does for a real tenant).
# The many certificates come from a generated appsettings.Bench.json next to the binary (ASPNETCORE_ENVIRONMENT=Bench).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk openssl curl taskset dotnet xargs
bench_init

if [[ "$QUICK" == 1 ]]; then CERTS="${CERTS:-200}"; DURATION=2; ROUNDS=1; else CERTS="${CERTS:-10000}"; DURATION="${DURATION:-10}"; ROUNDS="${ROUNDS:-3}"; fi
ONE_PORT=20443; MANY_PORT=20444
DOC=/.well-known/posh/xmpp-server.json
OUT="$RESULTS_DIR/sni-$(date -u +%Y%m%d-%H%M%S)$(quick_suffix).md"

publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" localhost posh.hoster.bench.test
mkdir -p "$WORK/tenants"
write_tenants_skeleton "$WORK/tenants"
generate_tenants "$WORK/tenants" 10

# CERTS-1 self-signed certificates s<i>.sni.bench.test sharing one key (key generation is not what is measured).
log "minting $((CERTS - 1)) certificates"
mkdir -p "$WORK/sni"
openssl ecparam -name prime256v1 -genkey -noout -out "$WORK/sni/shared.key" 2>/dev/null
seq 1 $((CERTS - 1)) | xargs -P "$(nproc)" -I{} openssl req -x509 -new -key "$WORK/sni/shared.key" -sha256 -days 30 \
    -subj "/CN=s{}.sni.bench.test" -addext "subjectAltName=DNS:s{}.sni.bench.test" -out "$WORK/sni/s{}.pem" 2>/dev/null
{
    echo '{ "Https": { "Certificates": ['
    echo "  { \"CertificateFile\": \"$WORK/web.pem\", \"KeyFile\": \"$WORK/web.key\" }"
    for i in $(seq 1 $((CERTS - 1))); do
        echo ", { \"CertificateFile\": \"$WORK/sni/s$i.pem\", \"KeyFile\": \"$WORK/sni/shared.key\" }"
    done
    echo '] } }'
} >"$WORK/server/appsettings.Bench.json"

start=$(now_ms)
start_posh one "$ONE_PORT" 20080 "$WORK/tenants" "--Https:Address=localhost"
ONE_PID=$POSH_PID
wait_ready "$ONE_PORT"
one_ready=$(( $(now_ms) - start ))
start=$(now_ms)
POSH_ENV="ASPNETCORE_ENVIRONMENT=Bench" start_posh many "$MANY_PORT" 20081 "$WORK/tenants" "--Https:Address=localhost"
MANY_PID=$POSH_PID
wait_ready "$MANY_PORT" 600
many_ready=$(( $(now_ms) - start ))

{
    echo "# TLS handshakes with many SNI certificates"
    echo
    echo '```'
    machine_description
    echo "command: QUICK=$QUICK bench/sni.sh (CERTS=$CERTS, $ROUNDS rounds x ${DURATION}s, interleaved)"
    echo "load: wrk -t1 -c16 -H 'Connection: close' https://localhost:<port>$DOC (a full TLS handshake per request, SNI 'localhost')"
    echo "server pinned to cpu $SERVER_CPU, load generator to cpu $CLIENT_CPU"
    echo "start to ready: one certificate ${one_ready} ms, $CERTS certificates ${many_ready} ms; RSS one: $(rss_mb "$ONE_PID") MB, many: $(rss_mb "$MANY_PID") MB"
    echo '```'
    echo
    echo "| round | certificates | req/s (handshakes/s) | p50 ms | p90 ms | p99 ms | errors | load |"
    echo "|---|---|---|---|---|---|---|---|"
} >"$OUT"

wrk_run 3 16 "https://localhost:$ONE_PORT$DOC" t1.bench.test -H "Connection: close" >/dev/null
wrk_run 3 16 "https://localhost:$MANY_PORT$DOC" t1.bench.test -H "Connection: close" >/dev/null
one_all=""; many_all=""
for round in $(seq "$ROUNDS"); do
    for which in one many; do
        port=$ONE_PORT; count=1
        [[ "$which" == many ]] && { port=$MANY_PORT; count=$CERTS; }
        load=$(load_now)
        read -r rps p50 p90 p99 errors < <(wrk_run "$DURATION" 16 "https://localhost:$port$DOC" t1.bench.test -H "Connection: close")
        log "round $round $count certificates: $rps handshakes/s p99 $p99 ms"
        echo "| $round | $count | $rps | $p50 | $p90 | $p99 | $errors | $load |" >>"$OUT"
        if [[ "$which" == one ]]; then one_all+="$rps "; else many_all+="$rps "; fi
    done
done
median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2}'; }
one_med=$(echo "$one_all" | median); many_med=$(echo "$many_all" | median)
{
    echo
    echo "Median: one certificate $one_med handshakes/s, $CERTS certificates $many_med handshakes/s, ratio $(awk -v a="$many_med" -v b="$one_med" 'BEGIN {printf "%.2f", a / b}')x."
    echo "load at end: $(load_now)"
} >>"$OUT"
cat "$OUT"
