#!/usr/bin/env bash
# Tenant scale: for 1k, 10k, 100k and 1M generated tenant files (quick: 100 and 1k), measures
#   - start to ready: process start until /healthz/ready answers 200 (tenants load before the listener opens), with
#     no parse cache (Tenants:ParseCacheFile), as the first start of a server;
#   - RSS (VmRSS from /proc) when ready and after 5 s idle;
#   - restart to ready, and RSS then: after the measurements below, the server is stopped (SIGTERM, which writes the
#     parse cache) and started again on the same files, as a restart or an upgrade-free redeploy is;
#   - changed file served: CHANGES (default 20) atomic writes (temp file + rename) of one tenant, each to the other
#     certificate set, each polled until its new document is served: p50 and p99 (of 20, p99 is the slowest);
#   - full reload (SIGHUP) ×RELOADS (default 20), each until the "generation N+1" log line: median, and RSS after them;
#   - throughput (wrk keep-alive) steady, and while full reloads run back to back: PAIRS (default 3) alternating
#     windows of each, the median of the pairs' ratios with their range.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need wrk openssl curl taskset dotnet
bench_init

if [[ "$QUICK" == 1 ]]; then COUNTS="${COUNTS:-100 1000}"; DURATION=2; REPEAT=1; PAIRS="${PAIRS:-1}"; CHANGES="${CHANGES:-3}"; RELOADS="${RELOADS:-3}"; else COUNTS="${COUNTS:-1000 10000 100000 1000000}"; DURATION="${DURATION:-10}"; REPEAT="${REPEAT:-1}"; PAIRS="${PAIRS:-3}"; CHANGES="${CHANGES:-20}"; RELOADS="${RELOADS:-20}"; fi
PORT=19443; HTTP=19080
DOC=/.well-known/posh/xmpp-server.json
OUT="$RESULTS_DIR/scale-$(date -u +%Y%m%d-%H%M%S)$(quick_suffix).md"

publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" posh.hoster.bench.test "*.bench.test" localhost

fetch() { taskset -c "$CLIENT_CPU" curl -sk --max-time 2 -H "Host: $1" "https://127.0.0.1:$PORT$DOC"; }
# start_until_ready: starts the server on the generated tenants; READY_MS = process start → /healthz/ready.
start_until_ready() {
    local start
    sync
    start=$(now_ms)
    start_posh scale "$PORT" "$HTTP" "$WORK/tenants"
    wait_ready "$PORT" 1800
    READY_MS=$(( $(now_ms) - start ))
}
generation_lines() { grep -c "(generation " "$WORK/scale.log" || true; }
# reload_back_to_back END: SIGHUP, and again each time a reload is logged, until one is logged after END (epoch s).
reload_back_to_back() {
    local end="$1" line fd tail_pid
    exec {fd}< <(exec tail -n0 -F "$WORK/scale.log" 2>/dev/null)
    tail_pid=$!
    sleep 0.2 # tail has opened the log: no line is missed
    kill -HUP "$POSH_PID"
    while IFS= read -r -t 120 -u "$fd" line; do
        [[ "$line" == *"(generation "* ]] || continue
        (( ${EPOCHREALTIME%.*} < end )) || break
        kill -HUP "$POSH_PID"
    done
    kill "$tail_pid" 2>/dev/null || true
    exec {fd}<&-
}

{
    echo "# Tenant scale"
    echo
    echo '```'
    machine_description
    echo "command: QUICK=$QUICK bench/scale.sh (COUNTS=\"$COUNTS\", repeats $REPEAT, $CHANGES changes, $RELOADS reloads, throughput ${DURATION}s wrk -t1 -c32, $PAIRS pairs of windows)"
    echo "server pinned to cpu $SERVER_CPU, load generator to cpu $CLIENT_CPU; workstation GC (the server's default)"
    echo '```'
    echo
    echo "| tenants | run | start→ready ms | RSS ready MB | RSS idle MB | changed file served p50 / p99 ms | full reload ms (median) | RSS after $RELOADS reloads MB | steady req/s | req/s during reloads | ratio (median of pairs, range) | reloads completed meanwhile | failed requests | restart→ready ms (parse cache) | RSS at restart ready MB | load |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"

# From here the script and every helper it forks (curl, grep, sleep, the reloader) run on the client's core: left
# unpinned, the reloader's polling ran on the server's core and took it from the requests in the reload windows only.
taskset -cp "$CLIENT_CPU" $$ >/dev/null

for count in $COUNTS; do
    rm -rf "$WORK/tenants"
    write_tenants_skeleton "$WORK/tenants"
    generate_tenants "$WORK/tenants" "$count"
    for run in $(seq "$REPEAT"); do
        load=$(load_now)
        # The first start of a server: no parse cache from an earlier run.
        rm -f "$WORK/data/tenant-parse-cache.bin"
        start_until_ready
        ready_ms=$READY_MS
        rss_ready=$(rss_mb "$POSH_PID")
        sleep 5
        rss_idle=$(rss_mb "$POSH_PID")

        # Changed files: tenant t7 alternates between the "alt" and "default" sets, each write atomic (temp + rename,
        # which is published without settling); each is served once its document changes.
        target=t7.bench.test
        : >"$WORK/changes.txt"
        for change in $(seq "$CHANGES"); do
            before=$(fetch "$target")
            if (( change % 2 )); then
                printf 'domain: %s\ncertificate_set: alt\n' "$target" >"$WORK/tenants/.$target.yaml.new"
            else
                printf 'domain: %s\n' "$target" >"$WORK/tenants/.$target.yaml.new"
            fi
            t0=$(now_ms)
            mv "$WORK/tenants/.$target.yaml.new" "$WORK/tenants/$target.yaml"
            deadline=$(( t0 + 60000 ))
            while [[ "$(fetch "$target")" == "$before" ]]; do
                (( $(now_ms) < deadline )) || { echo "changed file never served" >&2; break; }
            done
            echo $(( $(now_ms) - t0 )) >>"$WORK/changes.txt"
            sleep 0.2
        done
        changed_ms=$(sort -n "$WORK/changes.txt" | awk '{v[NR] = $1} END {p99 = int(NR * 0.99 + 0.999); if (p99 > NR) p99 = NR; printf "%d / %d", v[int((NR + 1) / 2)], v[p99]}')
        sleep 1

        # Full reloads on SIGHUP: each until the next generation is logged; RSS after all of them.
        : >"$WORK/reloads.txt"
        for reload in $(seq "$RELOADS"); do
            lines=$(generation_lines)
            t0=$(now_ms)
            kill -HUP "$POSH_PID"
            deadline=$(( t0 + 120000 ))
            until (( $(generation_lines) > lines )); do
                (( $(now_ms) < deadline )) || { echo "no reload logged after SIGHUP" >&2; exit 1; }
                sleep 0.002
            done
            echo $(( $(now_ms) - t0 )) >>"$WORK/reloads.txt"
        done
        reload_ms=$(sort -n "$WORK/reloads.txt" | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}')
        sleep 2
        rss_after=$(rss_mb "$POSH_PID")

        # Throughput: steady, then with reloads back to back (each SIGHUP sent once the previous one is logged), in
        # PAIRS alternating windows: on a shared machine one pair of windows measures the neighbours as much as the
        # reloads, so the ratio reported is the median of the pairs' ratios, with their range.
        # Warm-up: the first steady window after 2 s of it still ran half-tiered code (7,073 against 15-16 k req/s).
        wrk_run 10 32 "https://127.0.0.1:$PORT$DOC" t3.bench.test >/dev/null
        : >"$WORK/pairs.txt"
        generations_before=$(generation_lines)
        steady_errs=0; during_errs=0
        for pair in $(seq "$PAIRS"); do
            read -r steady _ _ _ steady_err < <(wrk_run "$DURATION" 32 "https://127.0.0.1:$PORT$DOC" t3.bench.test)
            # The reloader sends the next SIGHUP as soon as the log shows the last one's generation, and ends once
            # the first reload logged after the window's end is, so the next steady window does not measure the tail
            # of a reload. It blocks on tail -F and forks nothing while it waits: the first reloader polled the log
            # with grep, sleep and date every 50 ms, ~60 processes a second on the load generator's core, in the
            # reload windows only.
            reload_back_to_back $(( ${EPOCHREALTIME%.*} + DURATION + 1 )) &
            reloader=$!
            read -r during _ _ _ during_err < <(wrk_run "$DURATION" 32 "https://127.0.0.1:$PORT$DOC" t3.bench.test)
            wait "$reloader"
            [[ "$steady_err" == - ]] || steady_errs=$(( steady_errs + 1 ))
            [[ "$during_err" == - ]] || during_errs=$(( during_errs + 1 ))
            awk -v a="$during" -v b="$steady" 'BEGIN {printf "%.2f %s %s\n", (b > 0) ? a / b : 0, b, a}' >>"$WORK/pairs.txt"
            log "$count tenants pair $pair: steady $steady req/s, during reloads $during req/s"
        done
        # Reloads yield a saturated core (ReloadPacer), so say how many completed.
        reloads_during=$(( $(generation_lines) - generations_before ))
        read -r ratio steady during < <(sort -n "$WORK/pairs.txt" | awk '{r[NR] = $0} END {print r[int((NR + 1) / 2)]}')
        ratio_range=$(sort -n "$WORK/pairs.txt" | awk 'NR == 1 {lo = $1} {hi = $1} END {printf "%s-%s", lo, hi}')
        failed="$( (( steady_errs > 0 )) && echo "errors in $steady_errs" || echo -)/$( (( during_errs > 0 )) && echo "errors in $during_errs" || echo -)"
        # A restart: SIGTERM writes the parse cache on the way out (the server runs in $WORK: data/ is there); the
        # next start reads only files whose stamp changed since.
        stop_pid "$POSH_PID"
        [[ -f "$WORK/data/tenant-parse-cache.bin" ]] || { echo "no parse cache after the server stopped" >&2; exit 1; }
        start_until_ready
        restart_ms=$READY_MS
        rss_restart=$(rss_mb "$POSH_PID")
        stop_pid "$POSH_PID"
        log "$count tenants run $run: ready ${ready_ms}ms rss ${rss_ready}/${rss_idle}MB changed ${changed_ms}ms reload ${reload_ms}ms rps $steady vs $during ($ratio, $reloads_during reloads) rss after $rss_after; restart ready ${restart_ms}ms rss ${rss_restart}MB"
        echo "| $count | $run | $ready_ms | $rss_ready | $rss_idle | $changed_ms | $reload_ms | $rss_after | $steady | $during | ${ratio}x ($ratio_range) | $reloads_during | $failed | $restart_ms | $rss_restart | $load |" >>"$OUT"
    done
done
{
    echo
    echo "Failed requests: wrk's non-2xx/socket errors, steady/during ('-' = none in any pair of windows; else in how many)."
    echo "The changed-file time includes the reload debounce (Tenants:ReloadDebounce, 50 ms) and curl polling (a few ms per probe);"
    echo "writes are atomic (temp file + rename), so the settle rule (Tenants:SettleTime) does not apply to them."
    echo "load at end: $(load_now)"
} >>"$OUT"
cat "$OUT"
