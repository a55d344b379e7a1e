#!/usr/bin/env bash
# Runs the libFuzzer targets of fuzz/ (docs/fuzzing.md): builds them with clang++ in build-fuzz/
# when needed, replays every input kept in fuzz/regressions/TARGET, then fuzzes for SECONDS from
# the seeds of fuzz/corpus/TARGET (copied to a scratch corpus, so the repository stays as it is).
# Prints the executions run; exits 1 when a target crashes, naming the input it saved.
#   scripts/fuzz.sh TARGET SECONDS      one target, e.g. scripts/fuzz.sh signed_link 60
#   scripts/fuzz.sh all SECONDS         every target, one after the other
# VISIONARY_FUZZ_BUILD_DIR (default build-fuzz) and VISIONARY_FUZZ_JOBS (default 2) adjust the build.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"

targets=(signed_link blob_name request_json range_header azure_listing png_text connection_string
  openai_answer a1111_answer multipart gateway_request chat_answer)

usage() {
  echo "usage: scripts/fuzz.sh TARGET|all SECONDS   (targets: ${targets[*]})" >&2
  exit 2
}
[[ $# -eq 2 && $2 =~ ^[0-9]+$ ]] || usage
if [[ $1 == all ]]; then
  selected=("${targets[@]}")
elif [[ " ${targets[*]} " == *" $1 "* ]]; then
  selected=("$1")
else
  usage
fi
seconds=$2
build_dir="${VISIONARY_FUZZ_BUILD_DIR:-$root/build-fuzz}"
jobs="${VISIONARY_FUZZ_JOBS:-2}"

command -v clang++ >/dev/null || { echo "fuzz: clang++ is missing (run scripts/setup.sh)" >&2; exit 1; }
if [[ ! -f $build_dir/build.ninja ]]; then
  cmake -S "$root/fuzz" -B "$build_dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ \
    -DCMAKE_BUILD_TYPE=Fuzz >/dev/null
fi
cmake --build "$build_dir" -j "$jobs" -- "${selected[@]}"

# Replays the kept crash inputs, one process per input (a fix for one must not hide another).
replay_regressions() {
  local target=$1 binary=$2 dir=$root/fuzz/regressions/$1 input failed=0
  [[ -d $dir ]] || return 0
  for input in "$dir"/*; do
    [[ -f $input ]] || continue
    if ! "$binary" "$input" >"$build_dir/logs/$target.replay.log" 2>&1; then
      echo "fuzz: $target crashes again on regression input $input" >&2
      tail -n 30 "$build_dir/logs/$target.replay.log" >&2
      failed=1
    fi
  done
  return $failed
}

run_target() {
  local target=$1 binary=$build_dir/$1 scratch=$build_dir/corpus/$1 crashes=$build_dir/crashes/$1
  local log=$build_dir/logs/$1.log corpora=() status=0
  rm -rf "$scratch" && mkdir -p "$scratch" "$crashes" "$build_dir/logs"
  cp "$root/fuzz/corpus/$target"/* "$scratch"/ 2>/dev/null || true
  corpora=("$scratch")
  [[ -d $root/fuzz/regressions/$target ]] && corpora+=("$root/fuzz/regressions/$target")
  replay_regressions "$target" "$binary" || return 1
  "$binary" -max_total_time="$seconds" -print_final_stats=1 -timeout=10 \
    -artifact_prefix="$crashes/" "${corpora[@]}" >"$log" 2>&1 || status=$?
  local runs
  runs=$(grep -ao 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo "?")
  if ((status != 0)); then
    echo "fuzz: $target FAILED after ${runs} executions (log: $log)" >&2
    grep -aE 'ERROR|runtime error|invariant violated|SUMMARY|Test unit written' "$log" >&2 || tail -n 30 "$log" >&2
    return 1
  fi
  printf 'fuzz: %-18s %10s executions in %ss, corpus %s inputs\n' "$target" "$runs" "$seconds" \
    "$(find "$scratch" -type f | wc -l)"
}

failures=0
for target in "${selected[@]}"; do
  run_target "$target" || failures=$((failures + 1))
done
if ((failures)); then
  echo "fuzz: $failures target(s) failed; crashing inputs are under $build_dir/crashes/" >&2
  exit 1
fi
