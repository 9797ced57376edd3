#!/usr/bin/env bash
# CPU (user+sys) of building `generated` alone, at two commits, dependencies prebuilt:
# the before/after row of docs/performance.md ("generated code before/after issue 21").
#
#   bash bench/generated-before-after.sh [OLD_REV] [NEW_REV]     # default 7d685e6 HEAD
#
# Each commit gets a worktree and its own target dir (cargo names both trees' `runtime` alike,
# so one shared dir would rebuild it at each switch); the generated sources are touched before
# each build so only `generated` is compiled. CPU is compared, not wall time: the machine may be
# busy. Needs ~8 GB free disk; worktrees and target dirs are removed at the end.
set -euo pipefail
old_rev=${1:-7d685e6}
new_rev=${2:-HEAD}
repo=$(git rev-parse --show-toplevel)
scratch=$(mktemp -d)
trap 'git -C "$repo" worktree remove --force "$scratch/old" 2>/dev/null; git -C "$repo" worktree remove --force "$scratch/new" 2>/dev/null; rm -rf "$scratch"' EXIT
git -C "$repo" worktree add -q --detach "$scratch/old" "$old_rev"
git -C "$repo" worktree add -q --detach "$scratch/new" "$new_rev"
export CARGO_INCREMENTAL=0
for t in old new; do
  (cd "$scratch/$t" && CARGO_TARGET_DIR="$scratch/target-$t" cargo build -q -p generated --all-features)
done
for round in 1 2; do
  for t in old new; do
    for feat in "" "--all-features"; do
      cd "$scratch/$t"
      find generated/src -name '*.rs' -exec touch {} +
      /usr/bin/time -f "$t ${feat:-default} round$round: %U s user %S s sys %e s wall" \
        env CARGO_TARGET_DIR="$scratch/target-$t" cargo build -q -p generated $feat
    done
  done
done
