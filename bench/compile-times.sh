#!/usr/bin/env bash
# Compile times of the generated bindings (item 4 of the benchmarks): cold builds in a fresh
# target directory, printed with their ratios to the default-features build.
#
#   bash bench/compile-times.sh            # dev profile (what `cargo build` does)
#   PROFILE=release bash bench/compile-times.sh
#
# 1. dependencies + runtime, cold (everything `generated` needs, built once);
# 2. `cargo build -p generated` with default features (base, contacts, product, sale, purchase,
#    and the aiM18 modules), then with all features (every Odoo module and aiM18 module), then
#    Odoo only (`--no-default-features --features base,contacts,product,sale,purchase`),
#    then aiM18 only (each `aim18-<module>` feature alone, and all of them): `generated`
#    itself compiled from scratch each time (cargo keys it by its features), dependencies warm;
# 3. an app (a scratch crate outside the workspace) that depends on generated with only the
#    `purchase` feature and reads purchase orders: its dependencies are built first without
#    generated (an app resolves features on its own), then generated + the app are timed.
#
# Times are wall clock on whatever else the machine is doing: compare the ratios, which are
# taken within one run. Needs ~3 GB free disk; the scratch target dir is removed at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PROFILE=${PROFILE:-dev}
SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/erpbind-compile-times.XXXXXX")
export CARGO_TARGET_DIR="$SCRATCH/target"
# Incremental caches would add gigabytes and are not what a cold build measures.
export CARGO_INCREMENTAL=0
trap 'rm -rf "$SCRATCH"' EXIT

profile_flag=()
[ "$PROFILE" = release ] && profile_flag=(--release)

declare -a NAMES TIMES
run() { # name, then the command
    local name=$1
    shift
    local t0 t1
    t0=$(date +%s.%N)
    "$@" >"$SCRATCH/log" 2>&1 || {
        cat "$SCRATCH/log"
        echo "compile-times: '$name' failed" >&2
        exit 1
    }
    t1=$(date +%s.%N)
    NAMES+=("$name")
    TIMES+=("$(echo "$t1 - $t0" | bc)")
    printf '  %-60s %7.1f s\n' "$name" "${TIMES[-1]}"
}

echo "== compile times ($PROFILE profile, $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
run "deps + runtime (cold)" cargo build -q "${profile_flag[@]}" -p runtime
run "generated, default features" cargo build -q "${profile_flag[@]}" -p generated
run "generated, all features" cargo build -q "${profile_flag[@]}" -p generated --all-features
run "generated, Odoo defaults only" cargo build -q "${profile_flag[@]}" -p generated \
    --no-default-features --features base,contacts,product,sale,purchase
run "generated, purchase only" cargo build -q "${profile_flag[@]}" -p generated \
    --no-default-features --features purchase
aim18_modules=$(sed -n 's/^aim18-\([a-z0-9_]*\) = .*/\1/p' generated/Cargo.toml)
for m in $aim18_modules; do
    run "generated, aim18-$m only" cargo build -q "${profile_flag[@]}" -p generated \
        --no-default-features --features "aim18-$m"
done
run "generated, aim18 (all modules) only" cargo build -q "${profile_flag[@]}" -p generated \
    --no-default-features --features aim18

# An app that only needs purchase.
APP="$SCRATCH/app"
mkdir -p "$APP/src"
cat >"$APP/Cargo.toml" <<EOF
[package]
name = "purchase-app"
version = "0.1.0"
edition = "2024"
publish = false

[dependencies]
generated = { path = "$ROOT/generated", default-features = false, features = ["purchase"] }
runtime = { path = "$ROOT/runtime" }

[workspace]
EOF
cat >"$APP/src/main.rs" <<'EOF'
use generated::odoo::purchase_order::PurchaseOrder;
fn main() {
    let json = r#"[{"id": 1, "name": "P00001", "state": "purchase", "partner_id": [7, "Azure"]}]"#;
    let orders: Vec<PurchaseOrder> = serde_json_from(json);
    println!("{} {:?}", orders.len(), orders[0].name);
}
fn serde_json_from(s: &str) -> Vec<PurchaseOrder> {
    runtime::__private::serde_json::from_str(s).expect("decodes")
}
EOF
cp "$ROOT/Cargo.lock" "$APP/Cargo.lock"
# Warm the app's own dependency build (runtime and its crates, as the app resolves them).
sed 's/^generated = .*//' "$APP/Cargo.toml" >"$APP/Cargo.toml.nogen"
cp "$APP/src/main.rs" "$APP/main.rs.keep"
echo 'fn main() { let _ = runtime::Domain::leaf("id", "=", 1); }' >"$APP/src/main.rs"
mv "$APP/Cargo.toml" "$APP/Cargo.toml.full" && mv "$APP/Cargo.toml.nogen" "$APP/Cargo.toml"
cargo build -q "${profile_flag[@]}" --manifest-path "$APP/Cargo.toml" >"$SCRATCH/log" 2>&1 ||
    { cat "$SCRATCH/log"; exit 1; }
mv "$APP/Cargo.toml.full" "$APP/Cargo.toml" && mv "$APP/main.rs.keep" "$APP/src/main.rs"
run "app with generated/purchase only (generated + app + link)" \
    cargo build -q "${profile_flag[@]}" --manifest-path "$APP/Cargo.toml"

echo
echo "ratios (generated builds against 'generated, default features'):"
base=${TIMES[1]}
for i in "${!NAMES[@]}"; do
    [ "$i" -eq 0 ] && continue
    printf '  %-60s %6.2fx\n' "${NAMES[$i]}" "$(echo "${TIMES[$i]} / $base" | bc -l)"
done
printf '  %-60s %6.2fx\n' "cold default build (deps + generated) / generated" \
    "$(echo "(${TIMES[0]} + $base) / $base" | bc -l)"
