#!/usr/bin/env bash
# Run one fuzz target for a bounded time: ./run.sh TARGET SECONDS
#
# Needs only the stable toolchain: cargo-fuzz is installed from crates.io when
# missing, and RUSTC_BOOTSTRAP=1 unlocks the nightly-only flags it passes
# (-Zsanitizer=address). The corpus grows in corpus/TARGET (seeded from
# seeds/TARGET); a crash lands in artifacts/TARGET/ and should become a
# regression test (tests/tests/hardening_fuzz_regressions.rs).
# Prints one summary line: TARGET, execs, seconds, crashes.
set -euo pipefail
cd "$(dirname "$0")"

target=${1:?usage: run.sh TARGET SECONDS}
seconds=${2:?usage: run.sh TARGET SECONDS}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "== installing cargo-fuzz" >&2
  cargo install cargo-fuzz --locked
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$PWD/target}
features=()
[[ $target == codegen_* ]] && features=(--features codegen)

cargo fuzz build -O "${features[@]}" "$target" >&2

mkdir -p "corpus/$target" "artifacts/$target" logs
if [[ -d "seeds/$target" ]]; then
  cp -n "seeds/$target"/* "corpus/$target"/ 2>/dev/null || true
fi
before=$(find "artifacts/$target" -type f | wc -l)
log="logs/$target.log"
# -fork keeps going after a crash, so one run reports every distinct crash.
status=0
cargo fuzz run -O "${features[@]}" "$target" "corpus/$target" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=4096 -max_len=8192 \
  -print_final_stats=1 -artifact_prefix="artifacts/$target/" \
  >"$log" 2>&1 || status=$?
after=$(find "artifacts/$target" -type f | wc -l)
execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+' "$log" | grep -Eo '[0-9]+$' | tail -1 || true)
if [[ -z $execs ]]; then
  execs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' | tail -1 || echo "?")
fi
corpus=$(find "corpus/$target" -type f | wc -l)
echo "$target: ${execs} execs in ${seconds} s, $((after - before)) new crash artifact(s), corpus ${corpus} inputs, exit ${status} (log: fuzz/$log)"
