#!/usr/bin/env bash
# Shared helpers for the benchmark scripts. Sourced, not run.
# Everything runs on loopback; temporary files (certificates, keys, tenants) live in a temp directory removed on exit.

BENCH_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$BENCH_DIR/.." && pwd)"
RESULTS_DIR="${RESULTS_DIR:-$BENCH_DIR/results}"
QUICK="${QUICK:-0}"
STARTED_PIDS=()

# Cores: the server under test on SERVER_CPU, the load generator on CLIENT_CPU (one core each, so both servers
# get the same share of the same machine). Override for machines with more cores.
SERVER_CPU="${SERVER_CPU:-0}"
CLIENT_CPU="${CLIENT_CPU:-1}"

bench_init() {
    WORK="$(mktemp -d -t posh-bench.XXXXXX)"
    trap bench_cleanup EXIT
    mkdir -p "$RESULTS_DIR"
}

bench_cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do
        kill "$pid" 2>/dev/null || true
    done
    for pid in "${STARTED_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    [[ -n "${WORK:-}" && -d "$WORK" ]] && rm -rf "$WORK"
}

need() {
    local tool
    for tool in "$@"; do
        command -v "$tool" >/dev/null || { echo "missing '$tool': run bench/install.sh" >&2; exit 2; }
    done
}

log() { printf '%s %s\n' "$(date +%H:%M:%S)" "$*" >&2; }

now_ms() { echo $(( $(date +%s%N) / 1000000 )); }

# Describes the machine and the load on it: results are only comparable with this next to them.
machine_description() {
    echo "date: $(date -u +%Y-%m-%dT%H:%M:%SZ)"
    echo "nproc: $(nproc)"
    echo "cpu: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')"
    echo "memory: $(awk '/MemTotal/ {printf "%.1f GiB", $2/1048576}' /proc/meminfo)"
    echo "kernel: $(uname -sr)"
    echo "os: $(. /etc/os-release && echo "$PRETTY_NAME")"
    echo "dotnet: $(dotnet --version 2>/dev/null) (runtime $(dotnet --list-runtimes 2>/dev/null | awk '/Microsoft.NETCore.App/ {v=$2} END {print v}'))"
    echo "nginx: $(nginx -v 2>&1 | sed 's/.*nginx\///')"
    echo "wrk: $(wrk -v 2>&1 | head -1 | awk '{print $2}')"
    echo "h2load: $(h2load --version 2>/dev/null | head -1 | awk '{print $2}')"
    echo "openssl: $(openssl version)"
    echo "load at start: $(load_now)"
}

load_now() { cut -d' ' -f1-3 /proc/loadavg; }

# publish_project PROJECT OUT_DIR: a Release publish for linux-x64 (framework-dependent, as the Dockerfile does);
# its log goes to OUT_DIR.publish.log, and to stderr if it fails.
publish_project() {
    local project="$1" out="$2"
    dotnet publish "$project" -c Release -r linux-x64 --self-contained false -o "$out" -v q --nologo >"$out.publish.log" 2>&1 \
        || { cat "$out.publish.log" >&2; exit 1; }
}

# Publishes the server once (Release) into $WORK/server.
publish_server() {
    if [[ -x "$WORK/server/PoshServer" ]]; then return; fi
    log "publishing PoshServer (Release, as the Dockerfile does)"
    publish_project "$REPO_DIR/src/PoshServer/PoshServer.csproj" "$WORK/server"
}

# mint_ca DIR: a throw-away root CA (P-256) in DIR/ca.pem, DIR/ca.key.
mint_ca() {
    local dir="$1"
    mkdir -p "$dir"
    openssl ecparam -name prime256v1 -genkey -noout -out "$dir/ca.key" 2>/dev/null
    openssl req -x509 -new -key "$dir/ca.key" -sha256 -days 30 -subj "/CN=PoshServer Bench Root" \
        -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" -out "$dir/ca.pem" 2>/dev/null
}

# mint_leaf CADIR OUT_PREFIX KEYFILE NAME...: a leaf for the names, signed by the CA, with KEYFILE (created if missing).
# Writes OUT_PREFIX.pem (leaf + CA, as fullchain.pem) and OUT_PREFIX.crt (leaf only).
mint_leaf() {
    local ca="$1" out="$2" key="$3"; shift 3
    local san="" name
    for name in "$@"; do san+="${san:+,}DNS:$name"; done
    [[ -f "$key" ]] || openssl ecparam -name prime256v1 -genkey -noout -out "$key" 2>/dev/null
    openssl req -new -key "$key" -subj "/CN=$1" -out "$out.csr" 2>/dev/null
    printf 'subjectAltName=%s\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' "$san" >"$out.ext"
    openssl x509 -req -in "$out.csr" -CA "$ca/ca.pem" -CAkey "$ca/ca.key" -CAcreateserial -days 30 -sha256 \
        -extfile "$out.ext" -out "$out.crt" 2>/dev/null
    cat "$out.crt" "$ca/ca.pem" >"$out.pem"
    rm -f "$out.csr" "$out.ext"
}

# write_sets DIR: the tenants directory skeleton with two certificate sets ("default" and "alt").
write_tenants_skeleton() {
    local dir="$1"
    mkdir -p "$dir/certs"
    mint_leaf "$WORK/ca" "$dir/certs/xmpp" "$WORK/xmpp.key" xmpp.hoster.bench.test
    mint_leaf "$WORK/ca" "$dir/certs/xmpp-alt" "$WORK/xmpp.key" xmpp-alt.hoster.bench.test
    cat >"$dir/_certificate-sets.yaml" <<YAML
default:
  certificates:
    - certs/xmpp.crt
alt:
  certificates:
    - certs/xmpp-alt.crt
YAML
}

# generate_tenants DIR COUNT: COUNT tenant files t<i>.bench.test.yaml (fast: one awk process).
generate_tenants() {
    local dir="$1" count="$2"
    awk -v dir="$dir" -v n="$count" 'BEGIN {
        for (i = 0; i < n; i++) {
            f = dir "/t" i ".bench.test.yaml"
            print "domain: t" i ".bench.test" > f
            close(f)
        }
    }'
}

# start_posh NAME HTTPS_PORT HTTP_PORT TENANTS_DIR [extra args...]: starts the published server pinned to SERVER_CPU.
# Sets POSH_PID; the log goes to $WORK/NAME.log. The admin listener takes a free port (servers run side by side, and
# an admin port already in use stops start-up); extra args may set another. SIGHUP is reset to its default disposition: under nohup (or any
# parent that ignores it) the runtime would inherit "ignored" and never see the reload signal.
start_posh() {
    local name="$1" port="$2" http_port="$3" tenants="$4"; shift 4
    ( cd "$WORK" && exec taskset -c "$SERVER_CPU" env --default-signal=HUP ${POSH_ENV:-} \
        "$WORK/server/PoshServer" \
        "--Tenants:Directory=$tenants" \
        "--Https:Address=127.0.0.1" "--Https:Port=$port" "--Https:HttpPort=$http_port" \
        "--Https:Certificates:0:CertificateFile=$WORK/web.pem" "--Https:Certificates:0:KeyFile=$WORK/web.key" \
        "--Posh:HostNames:0=posh.hoster.bench.test" "--Posh:PublicBaseUrl=https://posh.hoster.bench.test" \
        "--Logging:LogLevel:Default=Warning" "--Logging:LogLevel:PoshServer.Tenants=Information" \
        "--Admin:Port=0" \
        "$@" >"$WORK/$name.log" 2>&1 ) &
    POSH_PID=$!
    STARTED_PIDS+=("$POSH_PID")
}

# wait_ready PORT [TIMEOUT_S]: polls /healthz/ready over HTTPS until it answers 200; fails at once if the server last
# started (POSH_PID) has exited.
wait_ready() {
    local port="$1" timeout="${2:-120}" deadline
    deadline=$(( $(date +%s) + timeout ))
    until taskset -c "$CLIENT_CPU" curl -sk -o /dev/null -w '%{http_code}' --max-time 1 "https://127.0.0.1:$port/healthz/ready" 2>/dev/null | grep -q 200; do
        if (( $(date +%s) > deadline )); then echo "server on $port not ready after ${timeout}s" >&2; return 1; fi
        # The server started last refused to start (its log says why): no point waiting out the time-out.
        if [[ -n "${POSH_PID:-}" ]] && ! kill -0 "$POSH_PID" 2>/dev/null; then echo "server (pid $POSH_PID) exited before it was ready" >&2; return 1; fi
        sleep 0.005
    done
}

rss_mb() { awk '/VmRSS/ {printf "%.1f", $2/1024}' "/proc/$1/status"; }

# The PoshServer process itself (start_posh's $! is the subshell that exec'd it, so the same pid).
stop_pid() {
    local pid="$1"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

# cpu_ticks PID...: user + system CPU time of the processes (all their threads), in clock ticks (/proc/PID/stat
# fields 14 and 15). The robust figure on a shared machine: what the server spent, whatever else ran beside it.
cpu_ticks() {
    local pid total=0 t
    for pid in "$@"; do
        t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$pid/stat" 2>/dev/null || echo 0)
        total=$(( total + t ))
    done
    echo "$total"
}

# tree_pids PID: the process and its direct children (nginx's master and its workers).
tree_pids() { echo "$1" $(ps -o pid= --ppid "$1" 2>/dev/null); }

# wrk_run DURATION CONNECTIONS URL HOST [extra wrk args]: prints "rps p50 p90 p99 errors" (latencies in ms);
# the number of requests answered goes to $WORK/last-requests (written before the line is printed).
wrk_run() {
    local duration="$1" connections="$2" url="$3" host="$4"; shift 4
    local out
    out=$(taskset -c "$CLIENT_CPU" wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Host: $host" "$@" "$url" 2>&1)
    echo "$out" >>"$WORK/wrk.log"
    echo "$out" | awk -v lastfile="$WORK/last-requests" '
        function ms(v) {
            if (v ~ /us$/) { sub(/us$/, "", v); return v / 1000 }
            if (v ~ /ms$/) { sub(/ms$/, "", v); return v + 0 }
            if (v ~ /s$/)  { sub(/s$/, "", v);  return v * 1000 }
            return v
        }
        /^ +50%/ { p50 = ms($2) } /^ +90%/ { p90 = ms($2) } /^ +99%/ { p99 = ms($2) }
        /Requests\/sec:/ { rps = $2 }
        / requests in / { requests = $1 }
        /Non-2xx|Socket errors/ { errors = errors $0 ";" }
        END { printf "%d\n", requests > lastfile; close(lastfile)
              printf "%.0f %.3f %.3f %.3f %s\n", rps, p50, p90, p99, (errors == "" ? "-" : "errors") }'
}

# h2load_run DURATION CLIENTS STREAMS URL AUTHORITY: prints "rps p50 p90 p99 errors" and writes
# $WORK/last-requests like wrk_run (h2load reports mean/sd/max per request,
# and no percentiles, so p50/p90/p99 are taken from its per-request log).
h2load_run() {
    local duration="$1" clients="$2" streams="$3" url="$4" authority="$5"
    local logfile="$WORK/h2load-requests.tsv" out
    rm -f "$logfile"
    out=$(taskset -c "$CLIENT_CPU" h2load -t1 -c"$clients" -m"$streams" -D"$duration" --warm-up-time="${H2LOAD_WARMUP:-1}" \
        -H ":authority: $authority" --log-file="$logfile" "$url" 2>&1)
    echo "$out" >>"$WORK/h2load.log"
    local rps failed requests
    rps=$(echo "$out" | awk '/^finished in/ {gsub(",", "", $4); print $4}' | sed 's/req\/s//')
    requests=$(echo "$out" | awk '/^requests:/ {for (i = 1; i <= NF; i++) if ($(i+1) == "succeeded,") print $i}')
    failed=$(echo "$out" | awk '/^requests:/ {for (i = 1; i <= NF; i++) if ($(i+1) == "failed,") print $i}')
    # log columns: start time (us), status, duration (us)
    local pct
    pct=$(awk '{print $3}' "$logfile" | sort -n | awk '{v[NR] = $1} END {
        if (NR == 0) { print "0 0 0"; exit }
        printf "%.3f %.3f %.3f", v[int(NR*0.5)+1]/1000, v[int(NR*0.9)+1]/1000, v[int(NR*0.99) < NR ? int(NR*0.99)+1 : NR]/1000 }')
    echo "${requests:-0}" >"$WORK/last-requests"
    printf '%.0f %s %s\n' "${rps:-0}" "$pct" "$([[ "${failed:-0}" == 0 ]] && echo - || echo errors)"
}

# "-quick" in result file names of quick runs.
quick_suffix() { if [[ "$QUICK" == 1 ]]; then echo -quick; fi; }
