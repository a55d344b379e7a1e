#!/usr/bin/env bash
# Prints VisionaryAI's benchmark figures, measured side by side in one run on this machine:
#   1. micro-benchmarks (Google Benchmark): link signing, a gallery page from 100 vs 10,000 images,
#      generation overhead without the provider, the demo provider's own time;
#   2. GET /api/getImages?limit=50 over HTTP (wrk on loopback) against stores of 100 and 10,000
#      images: latency percentiles with one connection, then throughput and p99 with 32;
#   3. resident memory of `visionary serve` idle and after 1,000 demo generations;
#   4. the web UI's budgets in Chromium (bench/ui_budget.mjs) over a gallery of 100 pictures;
#   5. GET /api/getImages?limit=50 against Azurite holding 2,000 images: latency and storage
#      requests per gallery page (counted in Azurite's own request log);
#   6. the added latency of the web -> functions hop (wrk, side by side with functions direct);
#   7. cost control: admission and the ledger's reserve + settle (filesystem store and Azurite)
#      beside the generation overhead, GET /api/getImages throughput and POST /api/generateImage
#      latency with the limits on and off;
#   8. hostile traffic (bench/hostile_load.mjs): idle and slow-body connections, paused readers of
#      large images, descriptor exhaustion, 1,000 simultaneous generations, a decompression bomb;
#   9. live jobs (bench/jobs_load.mjs): 1,000 streaming jobs at once, 1,000 gallery subscribers,
#      watching a shared store from a second replica.
# Usage: bench/run.sh [build-dir]     (`make bench` builds first)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$root/build}"
work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

# Waits (bounded) for "$2<port>" in log $1 and sets $port (no subshell: $pids must stay ours).
wait_port() {
  for _ in $(seq 1 400); do
    if grep -q "$2" "$1"; then
      port=$(grep -o "$2[0-9]*" "$1" | head -1 | sed 's/.*://')
      return
    fi
    sleep 0.05
  done
  echo "did not start: $(cat "$1")" >&2
  exit 1
}

# Starts `visionary ROLE ARGS...` on a free port (environment from the caller); sets $port and $pid.
start_role() {
  local log="$work/server-$RANDOM.log"
  VISIONARY_LOG_LEVEL=warn "$build/visionary" "$@" --port 0 >"$log" 2>&1 &
  pid=$!
  pids+=("$pid")
  wait_port "$log" 'listening on http://127.0.0.1:'
}
start_server() { start_role serve --data-dir "$1"; }
# Starts Azurite once; sets $cs (its connection string) and $azurite_log.
start_azurite() {
  [[ -n "${cs:-}" ]] && return
  azurite_log="$work/azurite.log"
  node "$root/tests/node_modules/.bin/azurite-blob" --blobHost 127.0.0.1 --blobPort 0 \
    --location "$work/azurite" --disableTelemetry >"$azurite_log" 2>&1 &
  pids+=($!)
  wait_port "$azurite_log" 'listens on http://127.0.0.1:'
  local key='Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=='
  cs="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=$key;BlobEndpoint=http://127.0.0.1:$port/devstoreaccount1;"
}
latency() {  # url label
  echo "-- $2"
  wrk -t1 -c1 -d10s --latency "$1" | grep -E "Requests/sec|^ +(50|90|99)%|Non-2xx|Socket errors"
}

sections="${BENCH_SECTIONS:-1 2 3 4 5 6 7 8 9}"   # e.g. BENCH_SECTIONS="5 6" bench/run.sh
want() { [[ " $sections " == *" $1 "* ]]; }

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
if want 1; then
echo "== 1. micro-benchmarks"
# The cost-control benchmarks run in section 7, beside Azurite.
"$build/bench/visionary_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2 --benchmark_filter='-Admission|LedgerReserveSettle|CostControl'

fi

if want 2; then
echo "== 2. GET /api/getImages?limit=50 over HTTP"
for n in 100 10000; do
  "$build/bench/visionary_seed" --data-dir "$work/store-$n" --count "$n" >/dev/null
done
start_server "$work/store-100"; port_small=$port
start_server "$work/store-10000"; port_large=$port
for round in 1 2; do
  latency "http://127.0.0.1:$port_small/api/getImages?limit=50" "store of 100 images, 1 connection (round $round)"
  latency "http://127.0.0.1:$port_large/api/getImages?limit=50" "store of 10000 images, 1 connection (round $round)"
done
echo "-- store of 10000 images, 32 connections, 2 threads, 15 s"
wrk -t2 -c32 -d15s --latency "http://127.0.0.1:$port_large/api/getImages?limit=50" |
  grep -E "Requests/sec|50%|99%|requests in|Non-2xx|Socket errors"

fi

if want 3; then
echo "== 3. resident memory of visionary serve (demo provider)"
start_server "$work/store-memory"
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "idle after start: $(rss)"
seq 1 1000 | xargs -P 2 -I{} curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/api/generateImage" \
  -H 'content-type: application/json' -d '{"prompt":"memory benchmark picture {}"}'
echo "after 1000 generations: $(rss)"

fi

if want 4; then
echo "== 4. web UI budgets (100 pictures of 1024x1024)"
"$build/bench/visionary_seed" --data-dir "$work/store-ui" --count 100 --image-size 1024 >/dev/null
start_server "$work/store-ui"
node "$root/bench/ui_budget.mjs" "http://127.0.0.1:$port"

fi

if want 5; then
echo "== 5. Azure Blob Storage (Azurite 3.35.0), 2000 images"
start_azurite
"$build/bench/visionary_seed" --azure-connection-string "$cs" --container bench --count 2000 >/dev/null
VISIONARY_STORAGE=azure AZURE_STORAGE_CONNECTION_STRING="$cs" VISIONARY_CONTAINER=bench start_role serve
before=$(grep -c '"GET /devstoreaccount1/bench' "$azurite_log" || true)
for _ in $(seq 1 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/api/getImages?limit=50"; done
after=$(grep -c '"GET /devstoreaccount1/bench' "$azurite_log" || true)
lists=$(grep '"GET /devstoreaccount1/bench' "$azurite_log" | tail -n "$((after - before))" | grep -c 'comp=list' || true)
echo "storage requests for 100 gallery pages: $((after - before)), of which List Blobs: $lists"
latency "http://127.0.0.1:$port/api/getImages?limit=50" "Azurite, 2000 images, 1 connection"

fi

if want 6; then
echo "== 6. web -> functions hop (store of 10000 images)"
[[ -d "$work/store-functions" ]] ||
  "$build/bench/visionary_seed" --data-dir "$work/store-functions" --count 10000 >/dev/null
key=$(openssl rand -hex 24)
VISIONARY_FUNCTIONS_KEY=$key start_role functions --data-dir "$work/store-functions"; fn_port=$port
VISIONARY_FUNCTIONS_URL="http://127.0.0.1:$fn_port" VISIONARY_FUNCTIONS_KEY=$key start_role web; web_port=$port
for round in 1 2; do
  echo "-- functions direct, 1 connection (round $round)"
  wrk -t1 -c1 -d10s --latency -H "x-functions-key: $key" "http://127.0.0.1:$fn_port/api/getImages?limit=50" |
    grep -E "Requests/sec|50%|99%|Non-2xx"
  latency "http://127.0.0.1:$web_port/api/getImages?limit=50" "through web, 1 connection (round $round)"
done
echo "-- functions direct, 16 connections"
wrk -t2 -c16 -d10s --latency -H "x-functions-key: $key" "http://127.0.0.1:$fn_port/api/getImages?limit=50" |
  grep -E "Requests/sec|50%|99%|Non-2xx"
echo "-- through web, 16 connections"
wrk -t2 -c16 -d10s --latency "http://127.0.0.1:$web_port/api/getImages?limit=50" | grep -E "Requests/sec|50%|99%|Non-2xx"
fi

if want 7; then
echo "== 7. cost control overhead"
start_azurite
echo "-- micro-benchmarks (filesystem store in $work, Azurite on loopback; median of 5)"
VISIONARY_BENCH_AZURITE="$cs" "$build/bench/visionary_bench" --benchmark_repetitions=5 \
  --benchmark_report_aggregates_only=true --benchmark_min_time=0.5 \
  --benchmark_filter='Admission|LedgerReserveSettle|CostControl|generation_overhead' 2>&1 |
  grep -E '^Benchmark|_median|_stddev|ERROR'

# Two copies of one seeded store (the data dir is locked to one process), one server with every
# limit set and one with none; getImages consults none of them, generateImage all of them. Both
# record every generation in the ledger: "off" removes the checks, not the two ledger writes.
[[ -d "$work/store-cost-on" ]] ||
  "$build/bench/visionary_seed" --data-dir "$work/store-cost-on" --count 10000 >/dev/null
cp -a "$work/store-cost-on" "$work/store-cost-off"
# Generous enough that 40 sequential generations are never refused; in-flight caps at defaults.
VISIONARY_CLIENT_RATE=1000/min VISIONARY_CLIENT_DAILY_IMAGES=1000 VISIONARY_DAILY_BUDGET_USD=5 \
  start_server "$work/store-cost-on"; on_port=$port
VISIONARY_CLIENT_RATE=100000/min VISIONARY_MAX_IN_FLIGHT=0 VISIONARY_CLIENT_MAX_IN_FLIGHT=0 \
  VISIONARY_CLIENT_DAILY_IMAGES=0 VISIONARY_DAILY_BUDGET_USD=0 \
  start_server "$work/store-cost-off"; off_port=$port
for round in 1 2; do
  latency "http://127.0.0.1:$on_port/api/getImages?limit=50" "getImages, limits on, 1 connection (round $round)"
  latency "http://127.0.0.1:$off_port/api/getImages?limit=50" "getImages, limits off, 1 connection (round $round)"
done
for round in 1 2; do
  for mode in on off; do
    mode_port=$on_port; [[ $mode == off ]] && mode_port=$off_port
    echo "-- getImages, limits $mode, 32 connections, 2 threads, 10 s (round $round)"
    wrk -t2 -c32 -d10s --latency "http://127.0.0.1:$mode_port/api/getImages?limit=50" |
      grep -E "Requests/sec|^ +(50|99)%|Non-2xx|Socket errors"
  done
done

# One request at a time, alternating between the servers so drift hits both alike.
generations=40
for i in $(seq 1 "$generations"); do
  for mode in on off; do
    mode_port=$on_port; [[ $mode == off ]] && mode_port=$off_port
    curl -s -o /dev/null -w "$mode %{http_code} %{time_total}\n" -X POST \
      "http://127.0.0.1:$mode_port/api/generateImage" -H 'content-type: application/json' \
      -d "{\"prompt\":\"cost benchmark picture $i\"}" >>"$work/generate-times"
  done
done
summary() {  # mode -> "median p90 non-201"
  local times
  times=$(awk -v m="$1" '$1 == m { print $3 * 1000 }' "$work/generate-times" | sort -n)
  awk '{ t[NR] = $1 } END { printf "%.1f %.1f ", (t[int((NR + 1) / 2)] + t[int(NR / 2) + 1]) / 2, t[int(NR * 0.9 + 0.5)] }' <<<"$times"
  awk -v m="$1" '$1 == m && $2 != 201 { bad++ } END { print bad + 0 }' "$work/generate-times"
}
read -r on_p50 on_p90 on_bad <<<"$(summary on)"
read -r off_p50 off_p90 off_bad <<<"$(summary off)"
echo "-- POST /api/generateImage (demo provider, 1024x1024), $generations sequential requests each"
echo "limits on:  p50 $on_p50 ms, p90 $on_p90 ms, non-201: $on_bad"
echo "limits off: p50 $off_p50 ms, p90 $off_p90 ms, non-201: $off_bad"
echo "ratio of medians on : off = $(awk -v a="$on_p50" -v b="$off_p50" 'BEGIN { printf "%.3f", a / b }')"
fi

if want 8; then
echo "== 8. hostile traffic"
# Starts its own servers and fake provider; re-runs itself under `prlimit --nofile=20000` if needed.
node "$root/bench/hostile_load.mjs" "$build"
fi

if want 9; then
echo "== 9. live jobs and event streams"
node "$root/bench/jobs_load.mjs" "$build"
fi
