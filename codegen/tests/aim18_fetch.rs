//! `codegen fetch aim18` against the fake aiM18 server: the library call,
//! the binary with either grant, and the bundled snapshot, which is exactly
//! what the fake serves (so the two cannot drift apart).
//!
//! To refresh the bundled snapshot after changing the fake's modules:
//! `cargo test -p codegen --test aim18_fetch -- --ignored`, then
//! `cargo run -p codegen` to regenerate `generated/`.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Duration;

use codegen::bundled;
use codegen::fetch::{self, aim18::Aim18Login};
use codegen::schema::aim18::{Aim18Schema, ModuleSpec};
use tests::aim18::{
    DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, DEFAULT_USER, FakeAim18,
};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn bundled_specs() -> Vec<ModuleSpec> {
    bundled::AIM18_MODULES
        .iter()
        .map(|s| s.parse().unwrap())
        .collect()
}

async fn fetch_from(fake: &FakeAim18) -> Aim18Schema {
    let client = fetch::aim18::connect_aim18(
        &fake.url(),
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        Aim18Login::Password {
            username: DEFAULT_USER.into(),
            password: DEFAULT_PASSWORD.into(),
        },
        false,
        None,
    )
    .await
    .unwrap();
    fetch::aim18::describe(&client, &bundled_specs(), bundled::AIM18_VERSION)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_bundled_snapshot_is_what_the_fake_server_serves() {
    let fake = FakeAim18::start();
    let fetched = fetch_from(&fake).await.to_json();
    let bundled = std::fs::read_to_string(root().join(bundled::AIM18_SCHEMA)).unwrap();
    assert!(
        fetched == bundled,
        "{} differs from what the fake aiM18 server serves: run \
         `cargo test -p codegen --test aim18_fetch -- --ignored`, then `cargo run -p codegen`",
        bundled::AIM18_SCHEMA
    );
    // What it holds: the four modules, typed columns in the server's order.
    let s = Aim18Schema::parse(&bundled, Path::new("aim18.json")).unwrap();
    let keys: Vec<&str> = s.models.keys().map(String::as_str).collect();
    assert_eq!(keys, ["cus", "employee", "oldso", "po"]);
    let so = &s.models["oldso"];
    assert_eq!(so.main_table.name, "mainso");
    let subs: Vec<&str> = so.sub_tables.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(subs, ["sot", "remso"]);
    assert_eq!(so.main_table.columns[0].name, "id");
    assert_eq!(so.search_types, ["oldso"]);
    // Only the create service was called, once per module.
    let creates = fake
        .requests()
        .iter()
        .filter(|r| r.path.starts_with("/jsf/rfws/entity/create/"))
        .count();
    assert_eq!(creates, 4);
}

/// Rewrites the bundled snapshot from the fake server.
#[tokio::test]
#[ignore = "rewrites generated/schema/aim18.json; run by hand after changing the fake's modules"]
async fn refresh_the_bundled_snapshot() {
    let fake = FakeAim18::start();
    let schema = fetch_from(&fake).await;
    fetch::write_snapshot(&root().join(bundled::AIM18_SCHEMA), &schema.to_json()).unwrap();
}

#[tokio::test]
async fn errors_name_the_module() {
    let fake = FakeAim18::start();
    let client = fetch::aim18::connect_aim18(
        &fake.url(),
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        Aim18Login::Password {
            username: DEFAULT_USER.into(),
            password: DEFAULT_PASSWORD.into(),
        },
        false,
        None,
    )
    .await
    .unwrap();
    let spec: ModuleSpec = "nosuch:nosuch".parse().unwrap();
    let e = fetch::aim18::describe(&client, &[spec], "x")
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("the template of aiM18 module nosuch (menu nosuch): "),
        "{e}"
    );
    let twice: Vec<ModuleSpec> = vec!["cus".parse().unwrap(), "cus".parse().unwrap()];
    let e = fetch::aim18::describe(&client, &twice, "x")
        .await
        .unwrap_err();
    assert!(e.to_string().contains("named twice"), "{e}");

    let e = fetch::aim18::connect_aim18(
        &fake.url(),
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        Aim18Login::Password {
            username: DEFAULT_USER.into(),
            password: "wrong".into(),
        },
        false,
        None,
    )
    .await
    .unwrap_err();
    assert!(e.to_string().starts_with("signing in to aiM18 at "), "{e}");
}

fn codegen() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_codegen"));
    c.env_remove(fetch::aim18::CLIENT_SECRET_ENV)
        .env_remove(fetch::aim18::PASSWORD_ENV)
        .env_remove("M18_USERNAME");
    c
}

fn module_args(cmd: &mut Command) {
    for m in bundled::AIM18_MODULES {
        cmd.args(["--module", m]);
    }
}

#[test]
fn the_binary_fetches_with_the_password_grant_and_secrets_from_the_environment() {
    let fake = FakeAim18::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("aim18.json");
    let mut cmd = codegen();
    cmd.args(["fetch", "aim18", "--url", &fake.url(), "--client-id"])
        .arg(DEFAULT_CLIENT_ID)
        .args([
            "--username",
            DEFAULT_USER,
            "--version",
            bundled::AIM18_VERSION,
            "--out",
        ])
        .arg(&out);
    module_args(&mut cmd);

    // Without the secrets in the environment it refuses, and says where they go.
    let o = cmd.output().unwrap();
    assert!(!o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("set M18_CLIENT_SECRET"), "{err}");
    let o = cmd
        .env(fetch::aim18::CLIENT_SECRET_ENV, DEFAULT_CLIENT_SECRET)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stderr).contains("set M18_PASSWORD"));

    let o = cmd
        .env(fetch::aim18::PASSWORD_ENV, DEFAULT_PASSWORD)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    assert!(String::from_utf8_lossy(&o.stdout).contains("4 aiM18 modules"));
    let fetched = std::fs::read_to_string(&out).unwrap();
    let bundled = std::fs::read_to_string(root().join(bundled::AIM18_SCHEMA)).unwrap();
    assert_eq!(fetched, bundled);
    // The password went to the server hashed, and only in the token request.
    let sha = FakeAim18::sha1_hex(DEFAULT_PASSWORD);
    for r in fake.requests() {
        assert!(!r.query.contains(DEFAULT_PASSWORD));
        if r.path != "/jsf/rfws/oauth/token" {
            assert!(!r.query.contains(&sha));
        }
    }
}

#[test]
fn the_bundled_bindings_say_they_are_not_from_a_real_server() {
    assert_eq!(bundled::AIM18_VERSION, codegen::schema::aim18::FAKE_VERSION);
    let index = std::fs::read_to_string(root().join("generated/src/aim18/mod.rs")).unwrap();
    assert!(
        index.contains("**Not from a real aiM18 server.**"),
        "{index}"
    );
}

#[test]
fn a_session_recorded_with_record_replays_as_the_fake_and_fetches_the_same() {
    let fake = FakeAim18::start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("aim18.json");
    let rec = tmp.path().join("wire");
    let mut cmd = codegen();
    cmd.args(["fetch", "aim18", "--url", &fake.url(), "--client-id"])
        .arg(DEFAULT_CLIENT_ID)
        .args([
            "--username",
            DEFAULT_USER,
            "--version",
            bundled::AIM18_VERSION,
        ])
        .arg("--out")
        .arg(&out)
        .arg("--record")
        .arg(&rec)
        .env(fetch::aim18::CLIENT_SECRET_ENV, DEFAULT_CLIENT_SECRET)
        .env(fetch::aim18::PASSWORD_ENV, DEFAULT_PASSWORD);
    module_args(&mut cmd);
    let o = cmd.output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    drop(fake);

    // One file per exchange (the token request and one template per module), no secret in any.
    let files: Vec<_> = std::fs::read_dir(&rec)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(files.len(), 1 + bundled::AIM18_MODULES.len());
    let sha = FakeAim18::sha1_hex(DEFAULT_PASSWORD);
    for f in &files {
        let text = std::fs::read_to_string(f).unwrap();
        for secret in [DEFAULT_CLIENT_SECRET, DEFAULT_PASSWORD, sha.as_str()] {
            assert!(!text.contains(secret), "{}: {secret}", f.display());
        }
        assert!(text.contains("<access token>"), "{}", f.display());
    }

    let replayed = FakeAim18::builder().replay(&rec).unwrap().start();
    let rt = tokio::runtime::Runtime::new().unwrap();
    let schema = rt.block_on(fetch_from(&replayed));
    assert_eq!(schema.to_json(), std::fs::read_to_string(&out).unwrap());
    assert!(replayed.unused_recordings().is_empty());
}

#[test]
fn the_binary_takes_modules_from_a_config_file() {
    let fake = FakeAim18::start();
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("modules.txt");
    std::fs::write(&config, "# what we use\ncus:cus:cus\n\nemployee  # staff\n").unwrap();
    let out = tmp.path().join("s.json");
    let o = codegen()
        .args(["fetch", "aim18", "--url", &fake.url(), "--client-id"])
        .arg(DEFAULT_CLIENT_ID)
        .args(["--username", DEFAULT_USER, "--config"])
        .arg(&config)
        .arg("--out")
        .arg(&out)
        .env(fetch::aim18::CLIENT_SECRET_ENV, DEFAULT_CLIENT_SECRET)
        .env(fetch::aim18::PASSWORD_ENV, DEFAULT_PASSWORD)
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let s = Aim18Schema::load(&out).unwrap();
    assert_eq!(s.version, "unknown");
    let keys: Vec<&str> = s.models.keys().map(String::as_str).collect();
    assert_eq!(keys, ["cus", "employee"]);
    assert_eq!(s.models["cus"].search_types, ["cus"]);
    assert!(s.models["employee"].search_types.is_empty());
}

#[test]
fn the_binary_signs_in_through_the_browser() {
    // The application's registered redirect URI names a fixed port.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let fake = FakeAim18::builder()
        .client(
            DEFAULT_CLIENT_ID,
            DEFAULT_CLIENT_SECRET,
            [redirect.as_str()],
        )
        .user(DEFAULT_USER, DEFAULT_PASSWORD)
        .start();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("aim18.json");
    let mut child = codegen()
        .args(["fetch", "aim18", "--browser", "--port", &port.to_string()])
        .args(["--url", &fake.url(), "--client-id", DEFAULT_CLIENT_ID])
        .args(["--wait", "30", "--module", "po:po:po", "--out"])
        .arg(&out)
        .env(fetch::aim18::CLIENT_SECRET_ENV, DEFAULT_CLIENT_SECRET)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stderr = BufReader::new(child.stderr.take().unwrap());
    let mut url = String::new();
    while !url.starts_with("http") {
        url.clear();
        assert!(
            stderr.read_line(&mut url).unwrap() > 0,
            "codegen ended before printing the URL"
        );
    }
    let url = url.trim();
    assert!(
        url.contains("/jsf/rfws/oauth/entry?response_type=code"),
        "{url}"
    );
    // The "browser": the fake signs the user in and redirects to the listener.
    let answer = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(20))
        .build()
        .unwrap()
        .get(url)
        .send()
        .unwrap();
    assert!(answer.status().is_success(), "{}", answer.status());
    let status = child.wait().unwrap();
    let mut rest = String::new();
    std::io::Read::read_to_string(&mut stderr, &mut rest).unwrap();
    assert!(status.success(), "{rest}");
    let s = Aim18Schema::load(&out).unwrap();
    assert_eq!(s.models["po"].main_table.name, "mainpo");
    let counts = fake.token_requests();
    assert_eq!((counts.authorization_code, counts.password), (1, 0));
}
