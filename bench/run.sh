#!/usr/bin/env bash
# Prints VisionaryAI's benchmark figures, measured side by side in one run on this machine:
#   1. micro-benchmarks (Google Benchmark): link signing, a gallery page from 100 vs 10,000 images,
#      generation overhead without the provider, the demo provider's own time;
#   2. GET /api/getImages?limit=50 over HTTP (wrk on loopback) against stores of 100 and 10,000
#      images: latency percentiles with one connection, then throughput and p99 with 32;
#   3. resident memory of `visionary serve` idle and after 1,000 demo generations.
# Usage: bench/run.sh [build-dir]     (make bench builds first)
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

# Starts `visionary serve` on a free port with the given data dir; prints the port.
start_server() {
  local data="$1" log="$work/server-$RANDOM.log"
  VISIONARY_LOG_LEVEL=warn "$build/visionary" serve --port 0 --data-dir "$data" >"$log" 2>&1 &
  pids+=($!)
  for _ in $(seq 1 200); do
    if grep -q "listening on" "$log"; then
      grep -o 'listening on http://127.0.0.1:[0-9]*' "$log" | head -1 | sed 's/.*://'
      return
    fi
    sleep 0.05
  done
  echo "server did not start: $(cat "$log")" >&2
  exit 1
}

echo "== machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
echo "== 1. micro-benchmarks"
"$build/bench/visionary_bench" --benchmark_repetitions=5 --benchmark_report_aggregates_only=true \
  --benchmark_min_time=0.2

echo "== 2. GET /api/getImages?limit=50 over HTTP"
for n in 100 10000; do
  "$build/bench/visionary_seed" --data-dir "$work/store-$n" --count "$n" >/dev/null
done
port_small=$(start_server "$work/store-100")
port_large=$(start_server "$work/store-10000")
for round in 1 2; do
  for n in 100 10000; do
    port=$port_small; [[ $n == 10000 ]] && port=$port_large
    echo "-- store of $n images, 1 connection, 10 s (round $round)"
    wrk -t1 -c1 -d10s --latency "http://127.0.0.1:$port/api/getImages?limit=50" |
      grep -E "Requests/sec|50%|90%|99%|Non-2xx|Socket errors"
  done
done
echo "-- store of 10000 images, 32 connections, 2 threads, 15 s"
wrk -t2 -c32 -d15s --latency "http://127.0.0.1:$port_large/api/getImages?limit=50" |
  grep -E "Requests/sec|50%|99%|requests in|Non-2xx|Socket errors"

echo "== 3. resident memory of visionary serve (demo provider)"
port=$(start_server "$work/store-memory")
pid=${pids[-1]}
rss() { awk '/VmRSS/ {print $2 " kB"}' "/proc/$pid/status"; }
echo "idle after start: $(rss)"
seq 1 1000 | xargs -P 2 -I{} curl -sf -o /dev/null -X POST "http://127.0.0.1:$port/api/generateImage" \
  -H 'content-type: application/json' -d '{"prompt":"memory benchmark picture {}"}'
echo "after 1000 generations: $(rss)"
count=$(curl -sf "http://127.0.0.1:$port/api/getImages?limit=100" | grep -o '"id"' | wc -l)
echo "(first page lists $count images)"
