#!/usr/bin/env bash
# Idle TLS connections: RSS of the server before, at the peak of BURSTS bursts of CONNECTIONS idle keep-alive TLS
# connections (each made, one request answered, then held HOLD seconds), and SETTLE seconds after each burst closed.
# Targets (issue 13): <= 300 MB at the peak, back within 10 % of the baseline a minute after they close.
# VARIANTS as in serve.sh ("name=ENV=value ...;..."): each configuration gets the same bursts, one after the other.
# Output: $RESULTS_DIR/idle-<date>.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need openssl curl taskset dotnet python3
bench_init

if [[ "$QUICK" == 1 ]]; then CONNECTIONS="${CONNECTIONS:-200}"; BURSTS="${BURSTS:-2}"; HOLD="${HOLD:-2}"; SETTLE="${SETTLE:-3}";
else CONNECTIONS="${CONNECTIONS:-10000}"; BURSTS="${BURSTS:-10}"; HOLD="${HOLD:-20}"; SETTLE="${SETTLE:-60}"; fi
VARIANTS="${VARIANTS:-posh=}"
PORT=21443; HTTP_PORT=21080
OUT="$RESULTS_DIR/idle-$(date -u +%Y%m%d-%H%M%S)$(quick_suffix).md"
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true  # 10,000 connections need as many descriptors on each side

publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" posh.hoster.bench.test "*.bench.test" localhost
mkdir -p "$WORK/tenants"
write_tenants_skeleton "$WORK/tenants"
generate_tenants "$WORK/tenants" 1000

{
    echo "# Idle TLS connections: server memory"
    echo
    echo '```'
    machine_description
    echo "command: QUICK=$QUICK CONNECTIONS=$CONNECTIONS BURSTS=$BURSTS HOLD=$HOLD SETTLE=$SETTLE bench/idle.sh"
    echo "client: bench/idle_client.py (python asyncio + ssl, 64 handshakes in flight), pinned to cpu $CLIENT_CPU; server on cpu $SERVER_CPU"
    echo '```'
    echo
    echo "| variant | burst | connections open | RSS before MB | RSS peak MB | RSS ${SETTLE}s after close MB | vs baseline |"
    echo "|---|---|---|---|---|---|---|"
} >"$OUT"

IFS=';' read -r -a variant_list <<<"$VARIANTS"
for variant in "${variant_list[@]}"; do
    name="${variant%%=*}"; env_vars="${variant#*=}"
    POSH_ENV="$env_vars" start_posh "$name" "$PORT" "$HTTP_PORT" "$WORK/tenants"
    pid=$POSH_PID
    wait_ready "$PORT"
    # Warm the serving path so the baseline includes what any traffic brings (JIT, pools).
    for _ in $(seq 20); do curl -sk -o /dev/null -H "Host: t1.bench.test" "https://127.0.0.1:$PORT/.well-known/posh/xmpp-server.json"; done
    sleep 2
    baseline=$(rss_mb "$pid")
    for burst in $(seq "$BURSTS"); do
        before=$(rss_mb "$pid"); peak=$before
        taskset -c "$CLIENT_CPU" python3 "$BENCH_DIR/idle_client.py" 127.0.0.1 "$PORT" t1.bench.test "$CONNECTIONS" "$HOLD" >"$WORK/client.out" 2>&1 &
        client=$!
        while kill -0 "$client" 2>/dev/null; do
            now=$(rss_mb "$pid"); peak=$(awk -v a="$now" -v b="$peak" 'BEGIN {print (a > b) ? a : b}')
            sleep 0.5
        done
        wait "$client" || true
        open=$(awk '/^open/ {print $2}' "$WORK/client.out")
        sleep "$SETTLE"
        after=$(rss_mb "$pid")
        ratio=$(awk -v a="$after" -v b="$baseline" 'BEGIN {printf "%+.0f %%", (a / b - 1) * 100}')
        log "$name burst $burst: ${open:-0} open, RSS $before -> peak $peak -> $after MB (baseline $baseline, $ratio)"
        echo "| $name | $burst | ${open:-0} | $before | $peak | $after | $ratio |" >>"$OUT"
    done
    stop_pid "$pid"
done
echo >>"$OUT"
echo "baseline: RSS after start and 20 requests; load at end: $(load_now)" >>"$OUT"
cat "$OUT"
