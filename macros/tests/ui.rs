//! Compile-fail tests: every mistake `#[derive(Model)]` reports, with the
//! message and span a user sees (`tests/ui/fail/*.stderr`), plus one case
//! that must compile. Regenerate expectations with `TRYBUILD=overwrite`,
//! then read the diff: each `.stderr` is a claim about what users see.

use std::path::Path;

#[test]
fn ui() {
    // trybuild builds the cases as a crate of its own under
    // `<target>/tests/trybuild/macros`, and that is the CARGO_MANIFEST_DIR
    // `schema = "..."` resolves against there: put the snapshot where
    // `schema = "tests/ui/odoo-18-small.json"` finds it, as it would in a
    // user's crate.
    let target = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .parent()
        .expect("CARGO_TARGET_TMPDIR is <target>/tmp");
    let dest = target.join("tests/trybuild/macros/tests/ui");
    std::fs::create_dir_all(&dest).unwrap();
    let snapshot = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/ui/odoo-18-small.json");
    std::fs::copy(&snapshot, dest.join("odoo-18-small.json")).unwrap();

    let t = trybuild::TestCases::new();
    t.pass("tests/ui/pass/*.rs");
    t.compile_fail("tests/ui/fail/*.rs");
}
