#!/usr/bin/env bash
# Run every fuzz target for a bounded time each (default 180 s):
#   ./run-all.sh [SECONDS_PER_TARGET]
# Summary lines go to stdout and to logs/summary.txt.
set -uo pipefail
cd "$(dirname "$0")"
seconds=${1:-180}
targets=(odoo_envelope odoo_rows aim18_entity codegen_schema)
mkdir -p logs
: >logs/summary.txt
for t in "${targets[@]}"; do
  ./run.sh "$t" "$seconds" | tee -a logs/summary.txt
done
