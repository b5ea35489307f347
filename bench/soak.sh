#!/usr/bin/env bash
# Soak: mixed load for SOAK_MINUTES (default 10) against 10,000 tenants while tenant files are rewritten, SIGHUP
# reloads run and the HTTPS certificate files are replaced; RSS sampled every 10 s. Not for CI.
# Passes when no request fails and RSS at the end is within the band of the first minutes.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk h2load openssl curl taskset dotnet
bench_init

MINUTES="${SOAK_MINUTES:-10}"; TENANTS="${SOAK_TENANTS:-10000}"
PORT=21443; HTTP=21080
DOC=/.well-known/posh/xmpp-server.json
OUT="$RESULTS_DIR/soak-$(date -u +%Y%m%d-%H%M%S).md"
DESCRIPTION=$(machine_description)
publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" posh.hoster.bench.test "*.bench.test" localhost
mkdir -p "$WORK/tenants"
write_tenants_skeleton "$WORK/tenants"
generate_tenants "$WORK/tenants" "$TENANTS"
start_posh soak "$PORT" "$HTTP" "$WORK/tenants"
wait_ready "$PORT" 300
END=$(( $(date +%s) + MINUTES * 60 ))

# Load: keep-alive HTTP/1.1, new connections and HTTP/2, each in 30 s slices until the end.
load_loop() {
    local kind="$1" i=0
    while (( $(date +%s) < END )); do
        i=$((i + 1))
        case "$kind" in
            keepalive) wrk_run 30 16 "https://127.0.0.1:$PORT$DOC" "t$((i % TENANTS)).bench.test" ;;
            newconn)   wrk_run 30 4 "https://127.0.0.1:$PORT$DOC" "t$((i * 7 % TENANTS)).bench.test" -H "Connection: close" ;;
            h2)        h2load_run 30 4 8 "https://127.0.0.1:$PORT$DOC" "t$((i * 13 % TENANTS)).bench.test" ;;
        esac | sed "s/^/$kind /" >>"$WORK/soak-load.log"
    done
}
# Churn: rewrite tenant files (set moves), SIGHUP every 20 s, renew the HTTPS certificate every 60 s.
churn_loop() {
    local i=0
    while (( $(date +%s) < END )); do
        i=$((i + 1))
        for j in $(seq 0 9); do
            t=$(( (i * 10 + j) % TENANTS ))
            if (( i % 2 )); then printf 'domain: t%d.bench.test\ncertificate_set: alt\n' "$t"; else printf 'domain: t%d.bench.test\n' "$t"; fi \
                >"$WORK/tenants/.t$t.tmp" && mv "$WORK/tenants/.t$t.tmp" "$WORK/tenants/t$t.bench.test.yaml"
        done
        (( i % 20 == 0 )) && kill -HUP "$POSH_PID"
        if (( i % 60 == 0 )); then
            mint_leaf "$WORK/ca" "$WORK/renew" "$WORK/renew.key" posh.hoster.bench.test "*.bench.test" localhost
            cp "$WORK/renew.key" "$WORK/web.key.new" && cp "$WORK/renew.pem" "$WORK/web.pem.new"
            mv "$WORK/web.key.new" "$WORK/web.key" && mv "$WORK/web.pem.new" "$WORK/web.pem"
        fi
        sleep 1
    done
}
sample_loop() {
    while (( $(date +%s) < END )); do
        echo "$(date +%s) $(rss_mb "$POSH_PID") $(load_now)" >>"$WORK/rss.log"
        sleep 10
    done
}
load_loop keepalive & p1=$!
load_loop newconn & p2=$!
load_loop h2 & p3=$!
churn_loop & p4=$!
sample_loop & p5=$!
STARTED_PIDS+=("$p1" "$p2" "$p3" "$p4" "$p5")
wait "$p1" "$p2" "$p3" "$p4" "$p5"
alive=$(kill -0 "$POSH_PID" 2>/dev/null && echo yes || echo NO)
errors=$(grep -c "errors$" "$WORK/soak-load.log" || true)
reloads=$(grep -c "(generation " "$WORK/soak.log" || true)
first=$(head -6 "$WORK/rss.log" | awk '{print $2}' | sort -g | tail -1)
last=$(tail -1 "$WORK/rss.log" | awk '{print $2}')
max=$(awk '{print $2}' "$WORK/rss.log" | sort -g | tail -1)
{
    echo "# Soak: $MINUTES minutes of mixed load with reloads"
    echo
    echo '```'
    echo "$DESCRIPTION"
    echo "command: SOAK_MINUTES=$MINUTES SOAK_TENANTS=$TENANTS bench/soak.sh"
    echo "load: wrk keep-alive -c16, wrk Connection: close -c4, h2load -c4 -m8, all at once in 30 s slices (server cpu $SERVER_CPU, load cpu $CLIENT_CPU)"
    echo "churn: 10 tenant files rewritten per second, SIGHUP every 20 s, HTTPS certificate and key replaced every 60 s"
    echo '```'
    echo
    echo "- server alive at the end: $alive"
    echo "- load slices with failed requests: $errors of $(wc -l <"$WORK/soak-load.log")"
    echo "- tenant snapshots swapped in (generations logged): $reloads"
    echo "- RSS MB: max of first minute $first, at end $last, max $max"
    echo "- server log errors: $(grep -c '^fail' "$WORK/soak.log" || true)"
    echo
    echo "## Load slices (kind, req/s, p50, p90, p99 ms, errors)"
    echo
    echo '```'
    cat "$WORK/soak-load.log"
    echo '```'
    echo
    echo "## RSS samples (unix time, RSS MB, load 1/5/15)"
    echo
    echo '```'
    cat "$WORK/rss.log"
    echo '```'
} >"$OUT"
tail -n +1 "$OUT" | sed -n '1,25p'
