//! insta snapshots of generated aiM18 code: each module of the bundled
//! snapshot generated alone, and the hostile aiM18 schema (which
//! `codegen-example` also compiles and exercises). Run `cargo insta review`
//! (or INSTA_UPDATE=always) after a deliberate change, and read the diff.

use std::path::{Path, PathBuf};

use codegen::{Builder, Layout};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn render(schema: &Path, modules: &[&str]) -> String {
    let mut b = Builder::new();
    b.schema(schema)
        .odoo_models(modules.iter().copied())
        .layout(Layout::SingleFile("aim18.rs".into()));
    let files = b.render().unwrap();
    assert_eq!(files.len(), 1);
    files.into_iter().next().unwrap().contents
}

macro_rules! module_snapshot {
    ($test:ident, $module:literal) => {
        #[test]
        fn $test() {
            let out = render(&root().join("generated/schema/aim18.json"), &[$module]);
            insta::assert_snapshot!(stringify!($test), out);
        }
    };
}

module_snapshot!(aim18_employee, "employee");
module_snapshot!(aim18_cus, "cus");
module_snapshot!(aim18_oldso, "oldso");
module_snapshot!(aim18_po, "po");

#[test]
fn aim18_hostile() {
    let out = render(
        &root().join("codegen/tests/fixtures/hostile_aim18.json"),
        &[],
    );
    insta::assert_snapshot!("aim18_hostile", out);
}
