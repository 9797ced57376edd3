//! The `fake-erp` binary: prints where it listens, serves real clients, stops when its piped
//! stdin is closed, refuses a port in use, and puts the aiM18 fake on the port asked for.

use std::io::{BufRead, BufReader, Read};
use std::net::{Ipv4Addr, TcpListener};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

const BIN: &str = env!("CARGO_BIN_EXE_fake-erp");

/// A running `fake-erp`, killed on drop if the test did not stop it.
struct Running {
    child: Child,
    url: String,
    banner: Vec<String>,
    _stdout: BufReader<ChildStdout>,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `fake-erp ARGS` with a piped stdin and read its banner (the lines up to `routes:`).
fn start(args: &[&str]) -> Running {
    let mut child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn fake-erp");
    let mut stdout = BufReader::new(child.stdout.take().expect("stdout"));
    let mut banner = Vec::new();
    loop {
        let mut line = String::new();
        let n = stdout.read_line(&mut line).expect("read the banner");
        assert!(n > 0, "fake-erp {args:?} exited early: {banner:?}");
        let line = line.trim_end().to_string();
        let done = line.starts_with("routes:");
        banner.push(line);
        if done {
            break;
        }
    }
    let url = banner[0]
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line: {:?}", banner[0]))
        .to_string();
    Running {
        child,
        url,
        banner,
        _stdout: stdout,
    }
}

fn wait_exit(child: &mut Child, within: Duration) -> std::process::ExitStatus {
    let started = Instant::now();
    loop {
        if let Some(status) = child.try_wait().expect("wait") {
            return status;
        }
        assert!(started.elapsed() < within, "fake-erp still running");
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn jsonrpc(url: &str, service: &str, method: &str, args: Value) -> Value {
    let body = json!({"jsonrpc": "2.0", "method": "call", "id": 1,
        "params": {"service": service, "method": method, "args": args}});
    let reply: Value = reqwest::blocking::Client::new()
        .post(format!("{url}/jsonrpc"))
        .json(&body)
        .send()
        .expect("request")
        .json()
        .expect("json");
    reply["result"].clone()
}

#[test]
fn odoo_serves_the_large_demo_until_stdin_closes() {
    let mut fake = start(&[
        "odoo",
        "--port",
        "0",
        "--user",
        "alice:alice-pw",
        "--api-key",
        "bot:BOT-KEY",
        "--user",
        "carol:carol-pw",
        "--groups",
        "carol:sales_team.group_sale_salesman,base.group_user",
    ]);
    assert!(
        fake.url.starts_with("http://127.0.0.1:"),
        "loopback by default: {}",
        fake.url
    );
    let summary = &fake.banner[1];
    assert!(summary.contains("odoo 18.0 database erp18: "), "{summary}");
    assert!(
        fake.banner[2].contains("admin:admin (uid 2"),
        "{:?}",
        fake.banner
    );
    assert!(fake.banner[2].contains("alice (uid"), "{:?}", fake.banner);
    assert!(
        !fake.banner.join("\n").contains("alice-pw") && !fake.banner.join("\n").contains("BOT-KEY"),
        "secrets given on the command line are not echoed"
    );

    let version = jsonrpc(&fake.url, "common", "version", json!([]));
    assert_eq!(version["server_version"], "18.0");
    let uid = jsonrpc(
        &fake.url,
        "common",
        "authenticate",
        json!(["erp18", "alice", "alice-pw", {}]),
    );
    assert!(uid.as_i64().is_some_and(|u| u > 2), "{uid}");
    let bot = jsonrpc(
        &fake.url,
        "common",
        "authenticate",
        json!(["erp18", "bot", "BOT-KEY", {}]),
    );
    assert!(
        bot.as_i64().is_some(),
        "an API key logs in over /jsonrpc: {bot}"
    );
    // the recorded users and a user with given groups have those groups' rights; alice has none
    assert!(
        fake.banner[2].contains("salesman:salesman (uid 8"),
        "{:?}",
        fake.banner
    );
    let may_read_purchase_lines = |login: &str, password: &str| {
        let uid = jsonrpc(
            &fake.url,
            "common",
            "authenticate",
            json!(["erp18", login, password, {}]),
        );
        jsonrpc(
            &fake.url,
            "object",
            "execute_kw",
            json!([
                "erp18",
                uid,
                password,
                "purchase.order.line",
                "check_access_rights",
                ["read", false],
                {}
            ]),
        )
    };
    assert_eq!(may_read_purchase_lines("carol", "carol-pw"), json!(false));
    assert_eq!(
        may_read_purchase_lines("salesman", "salesman"),
        json!(false)
    );
    assert_eq!(may_read_purchase_lines("alice", "alice-pw"), json!(true));
    // the banner counts what a search finds: a few hundred of each
    for (model, label) in [
        ("res.partner", "partners"),
        ("product.product", "products"),
        ("sale.order", "sale orders"),
    ] {
        let count = jsonrpc(
            &fake.url,
            "object",
            "execute_kw",
            json!(["erp18", 2, "admin", model, "search_count", [[]]]),
        );
        let n = count.as_u64().expect("a count");
        assert!(n > 200, "{model}: {n}");
        assert!(
            summary.contains(&format!(" {n} {label}")),
            "{summary} vs {n} {label}"
        );
    }

    drop(fake.child.stdin.take());
    let status = wait_exit(&mut fake.child, Duration::from_secs(10));
    assert!(status.success(), "{status}");
}

#[test]
fn odoo_version_fixtures_and_recorded_only() {
    let fixtures = concat!(env!("CARGO_MANIFEST_DIR"), "/fixtures");
    let fake = start(&[
        "odoo",
        "--version",
        "16.0",
        "--port",
        "0",
        "--fixtures",
        fixtures,
        "--recorded-only",
        "--database",
        "shop",
    ]);
    let partners = jsonrpc(
        &fake.url,
        "object",
        "execute_kw",
        json!(["shop", 2, "admin", "res.partner", "search_count", [[]]]),
    );
    let n = partners.as_u64().expect("a count");
    assert!(n < 100, "the recorded partners only: {n}");
    assert!(
        fake.banner[1].contains(&format!("odoo 16.0 database shop: {n} partners")),
        "{:?}",
        fake.banner
    );
    let version = jsonrpc(&fake.url, "common", "version", json!([]));
    assert_eq!(version["server_version"], "16.0");
    assert_eq!(jsonrpc(&fake.url, "db", "list", json!([])), json!(["shop"]));
}

#[test]
fn a_port_in_use_or_a_bad_version_is_a_clear_error() {
    let taken = TcpListener::bind((Ipv4Addr::LOCALHOST, 0)).expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();
    let out = Command::new(BIN)
        .args(["odoo", "--port", &port])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cannot bind") && err.contains(&port), "{err}");

    let out = Command::new(BIN)
        .args(["odoo", "--version", "15.0"])
        .stdin(Stdio::null())
        .output()
        .expect("run");
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("unknown Odoo version"), "{err}");
}

#[test]
fn aim18_on_the_asked_port_with_the_asked_client_and_user() {
    let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free port");
    let mut fake = start(&[
        "aim18",
        "--port",
        &port.to_string(),
        "--client",
        "C-app:app-secret",
        "--user",
        "alice:alice-pw",
    ]);
    assert_eq!(fake.url, format!("http://127.0.0.1:{port}"));

    let sha1 = tests::aim18::FakeAim18::sha1_hex("alice-pw");
    let token: Value = reqwest::blocking::get(format!(
        "{}/jsf/rfws/oauth/token?grant_type=password&client_id=C-app&client_secret=app-secret&username=alice&password={sha1}",
        fake.url
    ))
    .expect("token request")
    .json()
    .expect("json");
    let access = token["access_token"].as_str().expect("access_token");
    let search = reqwest::blocking::Client::new()
        .get(format!(
            "{}/jsf/rfws/search/search?stSearch=employee&startRow=1&endRow=2",
            fake.url
        ))
        .header("authorization", format!("Bearer {access}"))
        .header("client_id", "C-app")
        .send()
        .expect("search");
    assert_eq!(search.status().as_u16(), 200);
    let rows: Value = search.json().expect("json");
    assert_eq!(rows["values"].as_array().map(Vec::len), Some(2), "{rows}");

    drop(fake.child.stdin.take());
    let status = wait_exit(&mut fake.child, Duration::from_secs(10));
    assert!(status.success(), "{status}");
}

#[test]
fn help_names_both_servers() {
    let out = Command::new(BIN).arg("--help").output().expect("run");
    let mut text = String::from_utf8_lossy(&out.stdout).into_owned();
    let _ = out.stderr.as_slice().read_to_string(&mut text);
    assert!(out.status.success());
    assert!(text.contains("odoo") && text.contains("aim18"), "{text}");
}
