//! The `codegen` binary: import, generate, diff and their exit codes.

use std::path::{Path, PathBuf};
use std::process::Command;

fn codegen() -> Command {
    Command::new(env!("CARGO_BIN_EXE_codegen"))
}

fn fixtures(v: u32) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../tests/fixtures/odoo-{v}"))
}

fn import(v: u32, out: &Path, models: &[&str]) {
    let mut cmd = codegen();
    cmd.args(["import", "odoo", "--version", &format!("{v}.0"), "--out"])
        .arg(out)
        .arg("--ir-model")
        .arg(fixtures(v).join("ir.model.search_read.json"))
        .arg("--fields-get");
    for m in models {
        cmd.arg(fixtures(v).join(format!("fields_get/{m}.json")));
    }
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn import_then_generate_then_diff() {
    let tmp = tempfile::tempdir().unwrap();
    let s17 = tmp.path().join("odoo-17.json");
    let s18 = tmp.path().join("odoo-18.json");
    let models = ["res.partner", "sale.order"];
    import(17, &s17, &models);
    import(18, &s18, &models);

    // Files named <model>.fields_get.json work too (any client's dump).
    let dump = tmp.path().join("dump");
    std::fs::create_dir(&dump).unwrap();
    std::fs::copy(
        fixtures(18).join("fields_get/res.partner.json"),
        dump.join("res.partner.fields_get.json"),
    )
    .unwrap();
    let one = tmp.path().join("one.json");
    let o = codegen()
        .args(["import", "odoo", "--version", "18.0", "--fields-get"])
        .arg(&dump)
        .arg("--out")
        .arg(&one)
        .args(["--module", "res.partner=contacts"])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let text = std::fs::read_to_string(&one).unwrap();
    assert!(text.contains("\"module\": \"contacts\""));

    let out = tmp.path().join("gen");
    let o = codegen()
        .args(["generate", "--schema"])
        .arg(&s18)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(out.join("res_partner.rs").exists() && out.join("mod.rs").exists());
    // Twice: nothing changes.
    let o = codegen()
        .args(["generate", "--schema"])
        .arg(&s18)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim_end(),
        format!("{}: 0 added, 0 changed, 0 removed", out.display())
    );

    // 17 -> 18 removes fields, so it breaks code generated from 17.
    let o = codegen().arg("diff").arg(&s17).arg(&s18).output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.lines().any(|l| l.starts_with("BREAKING ")),
        "{stdout}"
    );
    // A snapshot against itself: no change, exit 0.
    let o = codegen().arg("diff").arg(&s18).arg(&s18).output().unwrap();
    assert!(o.status.success());
    assert_eq!(
        String::from_utf8_lossy(&o.stdout).trim_end(),
        "0 changes, 0 breaking"
    );
}

#[test]
fn errors_are_one_line_with_the_cause() {
    let o = codegen()
        .args([
            "generate",
            "--schema",
            "/nonexistent/s.json",
            "--out",
            "/tmp/x",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("codegen: /nonexistent/s.json: "), "{err}");
}
