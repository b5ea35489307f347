#!/usr/bin/env bash
# Idle TLS connections (issue 13, item 7): server RSS before the first burst (baseline), at the peak of each of BURSTS
# bursts of CONNECTIONS idle keep-alive TLS connections (each made, one request answered, then all held HOLD seconds),
# and SETTLE seconds after each burst closed.
# Targets: <= 300 MB at every peak; every burst back within 10 % of the baseline SETTLE (60) s after it closed.
# VARIANTS as in serve.sh ("name=ENV=value ...;..."): every variant's server runs from the start, each with its own
# baseline, and the bursts alternate between them (burst 1 on each, burst 2 on each, ...), so that the machine's load
# weighs on all alike. Output: $RESULTS_DIR/idle-<date>.md.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
need openssl curl taskset dotnet python3
bench_init

if [[ "$QUICK" == 1 ]]; then
    CONNECTIONS="${CONNECTIONS:-200}"; BURSTS="${BURSTS:-2}"; HOLD="${HOLD:-1}"; SETTLE="${SETTLE:-6}"
    # A smoke test: a reclaim after 100 closed connections, checked every 2 s, so the quick run exercises it too.
    QUICK_ARGS=(--Https:MemoryReclaimConnectionDrop=100 --Https:MemoryReclaimInterval=00:00:02)
else
    CONNECTIONS="${CONNECTIONS:-10000}"; BURSTS="${BURSTS:-10}"; HOLD="${HOLD:-10}"; SETTLE="${SETTLE:-60}"
    QUICK_ARGS=()
fi
# The default compares the server without its idle-memory measures against the server as it ships.
VARIANTS="${VARIANTS:-without=Https__ReleaseIdleTlsBuffers=false Https__MemoryReclaimConnectionDrop=0;shipped=}"
# The runtime settings of the container image (Dockerfile ENV), so the server runs as production runs it.
IMAGE_ENV="${IMAGE_ENV:-DOTNET_gcServer=0}"
# Loopback addresses: the server's, and the clients' sources (10,000 connections a burst, ten bursts, never short of
# ephemeral ports or caught by the previous burst's TIME_WAIT entries).
SERVER_ADDRESS="${SERVER_ADDRESS:-127.0.72.1}"
SOURCE_ADDRESSES="${SOURCE_ADDRESSES:-127.0.72.2 127.0.72.3 127.0.72.4 127.0.72.5}"
# The first variant (the reference) runs only its first REFERENCE_BURSTS bursts (default: all).
REFERENCE_BURSTS="${REFERENCE_BURSTS:-$BURSTS}"
PEAK_LIMIT_MB=300; SETTLED_LIMIT=1.10
OUT="$RESULTS_DIR/idle-$(date -u +%Y%m%d-%H%M)$(quick_suffix).md"
# 10,000 connections need as many descriptors on each side.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
(( $(ulimit -n) > CONNECTIONS + 100 )) || { echo "ulimit -n $(ulimit -n) is too low for $CONNECTIONS connections" >&2; exit 2; }

# SERVER_DIR: an already published server (dotnet publish -c Release) instead of publishing one now.
if [[ -n "${SERVER_DIR:-}" ]]; then ln -s "$(cd "$SERVER_DIR" && pwd)" "$WORK/server"; fi
publish_server
mint_ca "$WORK/ca"
mint_leaf "$WORK/ca" "$WORK/web" "$WORK/web.key" posh.hoster.bench.test "*.bench.test" localhost
mkdir -p "$WORK/tenants"
write_tenants_skeleton "$WORK/tenants"
generate_tenants "$WORK/tenants" 1000

# wait_ready_at PORT: as lib.sh's wait_ready, on SERVER_ADDRESS.
wait_ready_at() {
    local deadline=$(( $(date +%s) + 120 ))
    until curl -sk -o /dev/null -w '%{http_code}' --max-time 1 "https://$SERVER_ADDRESS:$1/healthz/ready" 2>/dev/null | grep -q 200; do
        if (( $(date +%s) > deadline )); then echo "server on $SERVER_ADDRESS:$1 not ready after 120 s" >&2; return 1; fi
        sleep 0.05
    done
}

# breakdown PID: resident MB by kind (GC regions, malloc arenas, other anonymous, JIT, files): idle_smaps.py.
breakdown() { python3 "$BENCH_DIR/idle_smaps.py" "$1" | sed 's/ total=.*//'; }

# anon_mb PID: "anonymous MB" from smaps_rollup (heap, GC regions, malloc arenas: what idle connections cost).
anon_mb() { awk '/^Anonymous:/ {printf "%.1f", $2/1024}' "/proc/$1/smaps_rollup"; }

IFS=';' read -r -a variant_list <<<"$VARIANTS"
declare -A pid_of baseline_of port_of
port=21443
for variant in "${variant_list[@]}"; do
    name="${variant%%=*}"; env_vars="${variant#*=}"
    # start_posh's --Https:Address=127.0.0.1 comes first; the later one wins. Tenant checks are off: their background
    # rounds (DNS look-ups, probes) allocate while the server should be idle and raised the settled figure; the bench
    # sets no TenantChecks:XmppHosts either. Each variant has its own admin port. The keep-alive timeout is raised so
    # that connections opened first are still open when the last of the burst is (opening 10,000 on a loaded machine
    # can take longer than the 60 s default).
    POSH_ENV="$IMAGE_ENV $env_vars" start_posh "$name" "$port" "$((port + 1))" "$WORK/tenants" \
        "--Https:Address=$SERVER_ADDRESS" --Https:KeepAliveTimeout=00:10:00 --Logging:LogLevel:PoshServer.Https=Information \
        "--Admin:Address=$SERVER_ADDRESS" "--Admin:Port=$((port + 2))" --TenantChecks:Background=false "${QUICK_ARGS[@]}"
    pid_of[$name]=$POSH_PID; port_of[$name]=$port
    port=$((port + 10))
done
for variant in "${variant_list[@]}"; do
    name="${variant%%=*}"
    wait_ready_at "${port_of[$name]}"
    # Warm the serving path so the baseline includes what any traffic brings (JIT, pools).
    for _ in $(seq 20); do curl -sk -o /dev/null -H "Host: t1.bench.test" --resolve "t1.bench.test:${port_of[$name]}:$SERVER_ADDRESS" "https://t1.bench.test:${port_of[$name]}/.well-known/posh/xmpp-server.json"; done
done
sleep 5
declare -A baseline_break_of
for variant in "${variant_list[@]}"; do
    name="${variant%%=*}"; baseline_of[$name]=$(rss_mb "${pid_of[$name]}"); baseline_break_of[$name]=$(breakdown "${pid_of[$name]}")
done

{
    echo "# Idle TLS connections: server memory"
    echo
    echo '```'
    machine_description
    echo "command: QUICK=$QUICK CONNECTIONS=$CONNECTIONS BURSTS=$BURSTS HOLD=$HOLD SETTLE=$SETTLE bench/idle.sh"
    echo "command: REFERENCE_BURSTS=$REFERENCE_BURSTS (bursts of the first variant)"
    echo "client: bench/idle_client.py (python asyncio + ssl, 64 handshakes in flight per process), one process per source address ($SOURCE_ADDRESSES) to $SERVER_ADDRESS, not pinned; servers pinned to cpu $SERVER_CPU"
    echo "image env (every variant): $IMAGE_ENV; server args: --Https:KeepAliveTimeout=00:10:00 ${QUICK_ARGS[*]}"
    for variant in "${variant_list[@]}"; do echo "variant ${variant%%=*}: ${variant#*=}"; done
    echo '```'
    echo
    echo "RSS = VmRSS of the server process alone (the PoshServer executable, not the clients: $(for v in "${variant_list[@]}"; do n="${v%%=*}"; printf '%s pid %s is %s, ' "$n" "${pid_of[$n]}" "$(cat "/proc/${pid_of[$n]}/comm")"; done)); anon = anonymous memory (smaps_rollup) at the peak."
    echo "Resident MB by kind (bench/idle_smaps.py): gc = .NET GC regions, malloc = glibc arenas, anon = other anonymous"
    echo "(stacks, runtime mmaps), jit = JIT code (memfd), file = file-backed (runtime, assemblies, libraries)."
    echo
    echo "| variant | burst | connections open | RSS before MB | RSS peak MB | anon at peak MB | by kind, all open | RSS ${SETTLE}s after close MB | by kind, then | vs baseline | load |"
    echo "|---|---|---|---|---|---|---|---|---|---|---|"
} >"$OUT"

read -r -a sources <<<"$SOURCE_ADDRESSES"
declare -A worst_peak worst_settled bursts_of
for burst in $(seq "$BURSTS"); do
    for index in "${!variant_list[@]}"; do
        variant=${variant_list[$index]}
        name="${variant%%=*}"; pid=${pid_of[$name]}; baseline=${baseline_of[$name]}
        # The reference (first) variant may run fewer bursts, to keep the run within the hour.
        if (( index == 0 && burst > REFERENCE_BURSTS )); then continue; fi
        bursts_of[$name]=$burst
        before=$(rss_mb "$pid"); peak=$before; peak_anon=$(anon_mb "$pid")
        load=$(load_now)
        # One client process per source address, not pinned: the handshakes are the slow part, and on a shared
        # machine several processes get their share of both cores (only the server's memory is measured here).
        rm -f "$WORK/close" "$WORK"/client-*.out
        clients=()
        per_client=$(( CONNECTIONS / ${#sources[@]} ))
        for i in "${!sources[@]}"; do
            count=$per_client; (( i == 0 )) && count=$(( CONNECTIONS - per_client * (${#sources[@]} - 1) ))
            python3 "$BENCH_DIR/idle_client.py" "$SERVER_ADDRESS" "${port_of[$name]}" t1.bench.test "$count" "$WORK/close" "${sources[$i]}" >"$WORK/client-$i.out" 2>&1 &
            clients+=($!)
        done
        held_since=""; held_break="-"
        while :; do
            alive=0; for c in "${clients[@]}"; do kill -0 "$c" 2>/dev/null && alive=1; done
            (( alive )) || break
            now=$(rss_mb "$pid")
            if awk -v a="$now" -v b="$peak" 'BEGIN {exit !(a > b)}'; then peak=$now; peak_anon=$(anon_mb "$pid"); fi
            if [[ -z "$held_since" ]] && (( $(cat "$WORK"/client-*.out 2>/dev/null | grep -c '^open') == ${#sources[@]} )); then
                held_since=$(date +%s); held_break=$(breakdown "$pid")
            fi
            if [[ -n "$held_since" ]] && (( $(date +%s) - held_since >= HOLD )); then touch "$WORK/close"; fi
            sleep 0.5
        done
        for c in "${clients[@]}"; do wait "$c" || true; done
        open=$(cat "$WORK"/client-*.out | awk '/^open/ {n += $2} END {print n + 0}')
        sleep "$SETTLE"
        after=$(rss_mb "$pid"); after_break=$(breakdown "$pid")
        ratio=$(awk -v a="$after" -v b="$baseline" 'BEGIN {printf "%+.0f %%", (a / b - 1) * 100}')
        log "$name burst $burst: ${open:-0} open, RSS $before -> peak $peak -> $after MB (baseline $baseline, $ratio)"
        echo "| $name | $burst | ${open:-0} | $before | $peak | $peak_anon | $held_break | $after | $after_break | $ratio | $load |" >>"$OUT"
        worst_peak[$name]=$(awk -v a="$peak" -v b="${worst_peak[$name]:-0}" 'BEGIN {print (a > b) ? a : b}')
        worst_settled[$name]=$(awk -v a="$after" -v b="${worst_settled[$name]:-0}" 'BEGIN {print (a > b) ? a : b}')
        [[ "${open:-0}" == "$CONNECTIONS" ]] || log "$name burst $burst: only ${open:-0} of $CONNECTIONS connections opened"
    done
done

{
    echo
    echo "| variant | bursts | baseline RSS MB | highest peak MB (≤ $PEAK_LIMIT_MB) | highest settled MB (≤ ${SETTLED_LIMIT}× baseline) | reclaims logged | verdict |"
    echo "|---|---|---|---|---|---|---|"
    for variant in "${variant_list[@]}"; do
        name="${variant%%=*}"; baseline=${baseline_of[$name]}
        reclaims=$(grep -c 'MemoryReclaimed\|Open connections fell' "$WORK/$name.log" || true)
        verdict=$(awk -v p="${worst_peak[$name]}" -v s="${worst_settled[$name]}" -v b="$baseline" -v pl="$PEAK_LIMIT_MB" -v sl="$SETTLED_LIMIT" 'BEGIN {
            v = (p <= pl) ? "peak met" : "peak MISSED"; v = v ", " ((s <= b * sl) ? "return met" : "return MISSED"); print v }')
        echo "| $name | ${bursts_of[$name]} | $baseline | ${worst_peak[$name]} | ${worst_settled[$name]} ($(awk -v a="${worst_settled[$name]}" -v b="$baseline" 'BEGIN {printf "%.2f×", a / b}')) | $reclaims | $verdict |"
    done
    echo
    echo "baseline: RSS after start, 20 requests and 5 s; load at end: $(load_now)"
    for variant in "${variant_list[@]}"; do name="${variant%%=*}"; echo "baseline by kind, $name: ${baseline_break_of[$name]}"; done
    for variant in "${variant_list[@]}"; do
        name="${variant%%=*}"
        grep -h 'Open connections fell' "$WORK/$name.log" | sed "s/^/$name: /" | tail -3 || true
    done
} >>"$OUT"
for variant in "${variant_list[@]}"; do stop_pid "${pid_of[${variant%%=*}]}"; done
cat "$OUT"
