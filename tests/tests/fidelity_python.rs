//! Fidelity checked by clients this project did not write: the Python clients OdooRPC and
//! Odooly (two independent implementations, from PyPI, each in a virtual environment cached
//! under target/), and two standard-library-only scripts
//! that follow Odoo's external API documentation and aiM18's published samples, run against the
//! fake servers (scripts in `tests/fidelity/`). Each script checks what a real server answers;
//! every difference they find is a bug of the fake server.
//!
//! Needs `python3` (CPython 3.8+ with `venv`) and, the first time, PyPI. Without python3 the
//! tests say so loudly and pass; a failing `pip install` fails them.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use tests::aim18::{self, FakeAim18};
use tests::odoo::{
    ADMIN_API_KEY, ADMIN_LOGIN, ADMIN_PASSWORD, DEMO_LOGIN, DEMO_PASSWORD, FakeOdoo, OdooVersion,
};

/// The OdooRPC release the check is pinned to (the latest, August 2023).
const ODOORPC_VERSION: &str = "0.10.1";

/// The Odooly release the second client check is pinned to (the latest, 2025).
const ODOOLY_VERSION: &str = "2.6.7";

/// How long one script may run before it is killed (they take a second or two).
const SCRIPT_TIMEOUT: Duration = Duration::from_secs(180);

fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fidelity")
        .join(name)
}

/// `python3`'s version (`"3.11"`), or `None` when there is no python3 at all.
fn python3() -> Option<String> {
    let out = Command::new("python3")
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

fn no_python() -> bool {
    if python3().is_some() {
        return false;
    }
    eprintln!(
        "\n*** SKIPPED: python3 not found on PATH: the third-party client checks of the fake \
         servers (OdooRPC, documented JSON-RPC, aiM18 samples) did NOT run. ***\n"
    );
    true
}

/// Run `cmd`, killing it after `timeout`; stdout and stderr captured.
fn run(mut cmd: Command, timeout: Duration) -> Output {
    let what = format!("{cmd:?}");
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {what}: {e}"));
    let mut stdout = child.stdout.take().expect("stdout");
    let mut stderr = child.stderr.take().expect("stderr");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait") {
            break status;
        }
        if started.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("{what} did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Output {
        status,
        stdout: out_reader.join().unwrap_or_default(),
        stderr: err_reader.join().unwrap_or_default(),
    }
}

/// Assert a script passed; its report is printed either way (visible with `--nocapture` or on
/// failure).
fn assert_passed(name: &str, out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("--- {name}\n{stdout}{stderr}");
    assert!(
        out.status.success(),
        "{name} found differences from the real server ({}):\n{stdout}\n{stderr}",
        out.status
    );
    stdout
}

/// A virtual environment holding `package==version` (imported as `module`), made once and
/// kept under target/ (keyed by the package, its version and Python's), so that later runs do
/// not reach PyPI. A file lock keeps concurrent test processes from building it twice; a
/// half-made one (pip failed) is made again. pip failing (PyPI unreachable) fails the test:
/// a check that silently did not run would read as a pass in CI.
fn venv_python(package: &str, version: &str, module: &str) -> PathBuf {
    let py = python3().expect("python3");
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("fidelity-venv");
    std::fs::create_dir_all(&root).expect("create the venv cache folder");
    let dir = root.join(format!("{package}-{version}-py{py}"));
    let lock = std::fs::File::create(root.join(".lock")).expect("venv lock file");
    lock.lock().expect("lock the venv cache");
    let python = dir.join("bin").join("python");
    let ready = || {
        Command::new(&python)
            .args([
                "-c",
                &format!("import {module}, sys; sys.exit({module}.__version__ != '{version}')"),
            ])
            .output()
            .is_ok_and(|o| o.status.success())
    };
    if !ready() {
        let _ = std::fs::remove_dir_all(&dir);
        let mut venv = Command::new("python3");
        venv.args(["-m", "venv"]).arg(&dir);
        let out = run(venv, Duration::from_secs(120));
        assert!(
            out.status.success(),
            "python3 -m venv failed (on Debian: apt-get install python3-venv):\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let mut pip = Command::new(&python);
        pip.args([
            "-m",
            "pip",
            "install",
            "--disable-pip-version-check",
            "--no-input",
            "--quiet",
            &format!("{package}=={version}"),
        ]);
        let out = run(pip, Duration::from_secs(300));
        assert!(
            out.status.success(),
            "pip install {package}=={version} failed (PyPI unreachable?):\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            ready(),
            "{package} {version} not importable after pip install"
        );
    }
    let _ = lock.unlock();
    python
}

fn odoorpc_python() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| venv_python("odoorpc", ODOORPC_VERSION, "odoorpc"))
}

fn odooly_python() -> &'static Path {
    static VENV: OnceLock<PathBuf> = OnceLock::new();
    VENV.get_or_init(|| venv_python("odooly", ODOOLY_VERSION, "odooly"))
}

fn odoorpc_check(v: OdooVersion) {
    let fake = FakeOdoo::builder(v).seed_demo_large(true).start();
    let mut cmd = Command::new(odoorpc_python());
    cmd.arg(script("odoorpc_check.py"))
        .args(["--host", "127.0.0.1"])
        .args(["--port", &fake.addr().port().to_string()])
        .args(["--db", fake.db()])
        .args(["--login", ADMIN_LOGIN, "--password", ADMIN_PASSWORD])
        .args(["--demo-login", DEMO_LOGIN, "--demo-password", DEMO_PASSWORD])
        .args(["--expect-version", v.as_str()]);
    let report = assert_passed(
        &format!("odoorpc_check.py on {v}"),
        &run(cmd, SCRIPT_TIMEOUT),
    );
    assert!(report.contains("odoorpc_check: all "), "{report}");

    // the client went through the fake's routes, and cleaned up after itself
    let requests = fake.requests();
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/web/webclient/version_info"),
        "OdooRPC did not detect the version"
    );
    let called = |service_method: &str, model: &str, method: &str| {
        requests.iter().any(|r| {
            r.path == "/jsonrpc"
                && r.service_method.as_deref() == Some(service_method)
                && r.call() == Some((model, method))
        })
    };
    assert!(called("execute", "res.users", "context_get"));
    for method in ["search_read", "create", "write", "unlink", "fields_get"] {
        assert!(called("execute_kw", "res.partner", method), "no {method}");
    }
    assert!(
        !fake
            .records("res.partner")
            .iter()
            .any(|p| p["name"].as_str().is_some_and(|n| n.contains("Fidelity"))),
        "the records OdooRPC created were not unlinked"
    );
}

#[test]
fn odoorpc_finds_no_difference_from_odoo_18() {
    if no_python() {
        return;
    }
    odoorpc_check(OdooVersion::V18);
}

#[test]
fn odoorpc_finds_no_difference_on_16_17_and_19_either() {
    if no_python() {
        return;
    }
    for v in [OdooVersion::V16, OdooVersion::V17, OdooVersion::V19] {
        odoorpc_check(v);
    }
}

/// Odooly, a second client written independently of OdooRPC, over its own routes: the web
/// client's (`/web/database/list`, `/web/session/authenticate`, `/web/dataset/call_kw/...`),
/// `/jsonrpc`, and on 19 JSON-2 with an API key. Its `env.ref` reads `ir.model.data` by domain.
fn odooly_check(v: OdooVersion) {
    let fake = FakeOdoo::builder(v).seed_demo_large(true).start();
    let mut cmd = Command::new(odooly_python());
    cmd.arg(script("odooly_check.py"))
        .args(["--url", &fake.url()])
        .args(["--db", fake.db()])
        .args(["--login", ADMIN_LOGIN, "--password", ADMIN_PASSWORD])
        .args(["--api-key", ADMIN_API_KEY])
        .args(["--expect-version", v.as_str()]);
    let report = assert_passed(
        &format!("odooly_check.py on {v}"),
        &run(cmd, SCRIPT_TIMEOUT),
    );
    assert!(report.contains("odooly_check: all "), "{report}");

    let requests = fake.requests();
    let went = |path: &str| requests.iter().any(|r| r.path == path && r.status == 200);
    assert!(went("/web/database/list"), "Odooly did not list databases");
    assert!(went("/web/session/authenticate"), "Odooly did not log in");
    assert!(
        requests
            .iter()
            .any(|r| r.path.starts_with("/web/dataset/call_kw/")
                && r.call() == Some(("ir.model.data", "search_read"))),
        "Odooly's env.ref did not read ir.model.data over the web client's route"
    );
    assert!(
        requests
            .iter()
            .any(|r| r.path == "/jsonrpc" && r.call() == Some(("ir.model.data", "search_read")))
    );
    if v.has_json2() {
        assert!(
            went("/json/2/ir.model.data/search_read"),
            "Odooly did not use JSON-2 with the API key"
        );
    }
    assert!(
        !fake
            .records("res.partner")
            .iter()
            .any(|p| p["name"].as_str().is_some_and(|n| n.contains("Odooly"))),
        "the records Odooly created were not unlinked"
    );
}

#[test]
fn odooly_finds_no_difference_on_16_to_19() {
    if no_python() {
        return;
    }
    for v in OdooVersion::ALL {
        odooly_check(v);
    }
}

/// The calls of Odoo's external API documentation are the same on 16, 17 and 18 (19 drops
/// `check_access_rights` and answers JSON-RPC errors with code 0, as recorded).
#[test]
fn documented_raw_jsonrpc_finds_no_difference_from_odoo_18() {
    if no_python() {
        return;
    }
    for v in [OdooVersion::V18, OdooVersion::V17, OdooVersion::V16] {
        let fake = FakeOdoo::builder(v).seed_demo_large(true).start();
        let mut cmd = Command::new("python3");
        cmd.arg(script("raw_jsonrpc.py"))
            .args(["--url", &fake.url()])
            .args(["--db", fake.db()])
            .args(["--user", ADMIN_LOGIN, "--password", ADMIN_PASSWORD])
            .args(["--demo-user", DEMO_LOGIN, "--demo-password", DEMO_PASSWORD])
            .args(["--expect-version", v.as_str()]);
        let report = assert_passed(&format!("raw_jsonrpc.py on {v}"), &run(cmd, SCRIPT_TIMEOUT));
        assert!(report.contains("raw_jsonrpc: all "), "{report}");
        assert!(
            fake.requests().iter().all(|r| r.path == "/jsonrpc"),
            "the documented calls all go to /jsonrpc"
        );
    }
}

#[test]
fn aim18_documented_calls_work_against_the_fake_aim18() {
    if no_python() {
        return;
    }
    let fake = FakeAim18::start();
    let mut cmd = Command::new("python3");
    cmd.arg(script("aim18_check.py"))
        .args(["--url", &fake.url()])
        .args(["--client-id", aim18::DEFAULT_CLIENT_ID])
        .args(["--client-secret", aim18::DEFAULT_CLIENT_SECRET])
        .args(["--user", aim18::DEFAULT_USER])
        .args(["--password", aim18::DEFAULT_PASSWORD]);
    let report = assert_passed("aim18_check.py", &run(cmd, SCRIPT_TIMEOUT));
    assert!(report.contains("aim18_check: all "), "{report}");
    let counts = fake.token_requests();
    assert_eq!((counts.password, counts.refresh_token), (2, 1));
}
