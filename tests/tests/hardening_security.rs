//! Security properties of both clients, each proved rather than assumed:
//!
//! - plain `http://` goes only to loopback unless the user opts in, and the
//!   refusal happens before any connection (a listener on 127.0.0.1 behind a
//!   non-loopback URL would see it otherwise); `https://` really is TLS;
//! - no secret in Debug/Display of clients and errors, in panic messages of
//!   `unwrap`/`expect` on them, or in an error excerpt that a server's error
//!   page echoes, even where the excerpt cuts the secret or collapses its
//!   whitespace; a source audit finds no panic or log macro that formats a
//!   secret, and no generator CLI option that takes one;
//! - the token file is written atomically with mode 0600, replaces a
//!   symlink instead of writing through it, and is never seen half-written;
//! - the OAuth `state` is checked (missing, empty, forged, duplicated);
//! - the redirect listener binds 127.0.0.1 only, closes after one use, and is
//!   not held up by an idle connection (browsers open speculative ones).

mod aim18_support;

use std::io::{Read as _, Write as _};
use std::net::TcpListener as StdListener;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use aim18_support::*;
use runtime::aim18::{
    AccessToken, Aim18Client, Aim18ErrorExt, Aim18Fault, AuthorizationRequest, ClientSecret,
    FileTokenStore, LoopbackListener, RefreshToken, TokenSet, TokenStore, token_from_redirect,
};
use runtime::http::parse_base_url;
use runtime::odoo::{OdooClient, TransportKind};
use runtime::{ErrorKind, Secret};
use tests::odoo::{ADMIN_PASSWORD, FakeOdoo, OdooVersion};

// ---------------------------------------------------------------------------
// Plain http only to loopback; TLS otherwise

#[test]
fn base_url_rules_refuse_every_remote_plain_http_form() {
    for url in [
        "http://erp.example.com",
        "http://ERP.example.com:8069/odoo",
        "http://10.0.0.1:8069",
        "http://192.168.1.10",
        "http://172.16.0.1",
        "http://8.8.8.8",
        "http://0.0.0.0:8069",
        "http://[::]:8069",
        "http://[::ffff:127.0.0.1]:8069",
        "http://[fe80::1]:8069",
        "http://localhost.example.com",
        "http://127.0.0.1.nip.io",
        "http://localhost.:8069",
    ] {
        let e = parse_base_url(url, false).expect_err(url);
        assert!(e.is_config(), "{url}: {e:?}");
        assert!(e.to_string().contains("allow_insecure_http"), "{url}: {e}");
        assert!(parse_base_url(url, true).is_ok(), "{url} with the opt-in");
    }
    for url in [
        "http://127.0.0.1:8069",
        "http://127.8.9.10",
        "http://localhost:8069",
        "http://LOCALHOST",
        "http://[::1]:8069",
        "https://erp.example.com",
        "https://10.0.0.1",
    ] {
        assert!(parse_base_url(url, false).is_ok(), "{url}");
    }
    for url in [
        "ftp://erp.example.com",
        "file:///etc/passwd",
        "ws://127.0.0.1",
        "https://user:pw@erp.example.com",
        "http://admin@127.0.0.1",
        "",
        "127.0.0.1:8069",
    ] {
        let e = parse_base_url(url, true).expect_err(url);
        assert!(e.is_config(), "{url}");
        assert!(!e.to_string().contains(":pw@"), "{e}");
    }
}

/// A listener on 127.0.0.1 that counts the connections it gets. `http://0.0.0.0:PORT`
/// is not a loopback URL, yet connecting to it on Linux reaches this listener: a
/// client that skipped the check would be seen here, without any traffic leaving
/// the machine.
struct Tripwire {
    port: u16,
    hits: Arc<Mutex<usize>>,
}

impl Tripwire {
    fn new() -> Tripwire {
        let l = StdListener::bind("127.0.0.1:0").unwrap();
        let port = l.local_addr().unwrap().port();
        let hits = Arc::new(Mutex::new(0));
        let h = hits.clone();
        std::thread::spawn(move || {
            for s in l.incoming() {
                *h.lock().unwrap() += 1;
                drop(s);
            }
        });
        Tripwire { port, hits }
    }

    fn remote_url(&self) -> String {
        format!("http://0.0.0.0:{}", self.port)
    }

    fn hits(&self) -> usize {
        // Let a connection that was on its way land.
        std::thread::sleep(Duration::from_millis(50));
        *self.hits.lock().unwrap()
    }
}

#[tokio::test]
async fn plain_http_to_a_remote_host_fails_before_connecting() {
    let wire = Tripwire::new();
    let url = wire.remote_url();

    let e = OdooClient::builder(&url)
        .database("db")
        .login("admin")
        .password("hunter2-secret")
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e:?}");

    let e = Aim18Client::builder(&url)
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e:?}");

    // The authorization URL carries no secret; the code exchange does.
    let request = AuthorizationRequest::new(&url, APP, REDIRECT).unwrap();
    let code = request
        .code_from_redirect(&format!("{REDIRECT}?code=c&state={}", request.state()))
        .unwrap();
    let e = request
        .exchange(&ClientSecret::new(SECRET), code, request.state())
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e:?}");
    assert_eq!(wire.hits(), 0, "nothing may connect before the URL check");

    // Positive control: with the opt-in the same client does connect.
    let e = OdooClient::builder(&url)
        .database("db")
        .login("admin")
        .password("hunter2-secret")
        .allow_insecure_http(true)
        .max_attempts(1)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_transport() || e.is_protocol(), "{e:?}");
    assert!(wire.hits() >= 1, "the tripwire works");
}

#[tokio::test]
async fn https_is_tls_and_never_falls_back_to_plain_http() {
    let fake = FakeOdoo::start(OdooVersion::V17);
    let https = fake.url().replace("http://", "https://");
    let e = OdooClient::builder(&https)
        .database(fake.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .max_attempts(1)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    assert!(
        fake.requests().is_empty(),
        "a TLS client hello is no HTTP request"
    );

    let aim = fake_with(&[]).start();
    let e = Aim18Client::builder(aim.url().replace("http://", "https://"))
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_transport(), "{e:?}");
    assert_eq!(aim.request_count(), 0);
}

// ---------------------------------------------------------------------------
// Secrets in error excerpts: a minimal Odoo whose ORM calls fail with a 500
// page echoing the request (as a debugging proxy or a crashing gateway does).

const PASSWORD_ODOO: &str = "Zq9#pW2!kL7$vN4@xR8";

/// Serves `/web/version` (404), `common.version`, `common.authenticate` and
/// answers every `object` call with HTML: `pad` characters, then the request body.
fn echo_odoo(pad: usize) -> (String, std::thread::JoinHandle<()>) {
    let l = StdListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", l.local_addr().unwrap());
    let handle = std::thread::spawn(move || {
        l.set_nonblocking(false).unwrap();
        // Bounded: version, authenticate and a handful of calls.
        for stream in l.incoming().take(12) {
            let Ok(mut s) = stream else { continue };
            s.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 4096];
            let (head, body) = loop {
                let n = s.read(&mut chunk).unwrap_or(0);
                if n == 0 {
                    break (String::new(), Vec::new());
                }
                buf.extend_from_slice(&chunk[..n]);
                if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..i]).to_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    while buf.len() < i + 4 + len {
                        let n = s.read(&mut chunk).unwrap_or(0);
                        if n == 0 {
                            break;
                        }
                        buf.extend_from_slice(&chunk[..n]);
                    }
                    break (head, buf[i + 4..].to_vec());
                }
            };
            let text = String::from_utf8_lossy(&body).into_owned();
            let (status, ctype, reply) = if head.starts_with("get /web/version") {
                (404, "text/html", "<p>not found</p>".to_string())
            } else if text.contains("\"version\"") && text.contains("\"common\"") {
                (
                    200,
                    "application/json",
                    r#"{"jsonrpc":"2.0","id":1,"result":{"server_version":"17.0","server_version_info":[17,0,0,"final",0,""],"server_serie":"17.0","protocol_version":1}}"#.to_string(),
                )
            } else if text.contains("\"authenticate\"") {
                (
                    200,
                    "application/json",
                    r#"{"jsonrpc":"2.0","id":2,"result":2}"#.to_string(),
                )
            } else {
                // Whitespace inside the echoed body is kept; the excerpt collapses it.
                (500, "text/html", format!("{}{text}", "x".repeat(pad)))
            };
            let _ = write!(
                s,
                "HTTP/1.1 {status} X\r\ncontent-type: {ctype}\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{reply}",
                reply.len()
            );
        }
    });
    (url, handle)
}

/// Everything a user could print about an error.
fn everything(e: &runtime::Error) -> String {
    let mut out = format!(
        "{e}\n{e:?}\n{e:#?}\n{:?}\n{:?}",
        e.body_excerpt(),
        e.debug()
    );
    let mut src = std::error::Error::source(e);
    while let Some(s) = src {
        out.push_str(&format!("\n{s}\n{s:?}"));
        src = s.source();
    }
    out
}

/// Every run of 4 or more characters of `secret` that `text` shows.
fn leaked<'a>(text: &str, secret: &'a str) -> Vec<&'a str> {
    let chars: Vec<(usize, char)> = secret.char_indices().collect();
    let mut out = Vec::new();
    for i in 0..chars.len() {
        for j in (i + 4)..=chars.len() {
            let start = chars[i].0;
            let end = chars.get(j).map_or(secret.len(), |c| c.0);
            let part = &secret[start..end];
            if text.contains(part) {
                out.push(part);
            }
        }
    }
    out.sort_by_key(|p| std::cmp::Reverse(p.len()));
    out.truncate(3);
    out
}

#[tokio::test]
async fn an_echoed_secret_is_redacted_even_where_the_excerpt_cuts_it() {
    // The JSON-RPC body starts with {"id":N,"jsonrpc":"2.0","method":"call","params":{"args":["db",2,"
    // and the secret follows: pad it so the 300-character excerpt ends inside the secret.
    for pad in [0, 180, 200, 220, 230, 236, 240, 250, 260, 280] {
        let (url, server) = echo_odoo(pad);
        let c = OdooClient::builder(&url)
            .database("db")
            .login("admin")
            .password(PASSWORD_ODOO)
            .transport(TransportKind::JsonRpc)
            .max_attempts(1)
            .connect()
            .await
            .unwrap();
        let e = c.model("res.partner").search_count(()).await.unwrap_err();
        assert!(e.is_protocol() && e.status() == Some(500), "{e:?}");
        let shown = everything(&e);
        assert!(
            leaked(&shown, PASSWORD_ODOO).is_empty(),
            "pad {pad}: {:?} in {shown}",
            leaked(&shown, PASSWORD_ODOO)
        );
        drop(c);
        drop(server);
    }
}

#[tokio::test]
async fn a_secret_with_whitespace_is_redacted_from_a_collapsed_excerpt() {
    let secret = "pass  word\twith\n  spaces";
    let (url, _server) = echo_odoo(0);
    let c = OdooClient::builder(&url)
        .database("db")
        .login("admin")
        .password(secret)
        .transport(TransportKind::JsonRpc)
        .max_attempts(1)
        .connect()
        .await
        .unwrap();
    let e = c.model("res.partner").search_count(()).await.unwrap_err();
    let shown = everything(&e);
    // JSON escapes the tab and newline; spaces stay and the excerpt collapses them.
    for form in [
        "pass  word",
        "pass word",
        "word\\twith\\n spaces",
        "word\\twith\\n  spaces",
    ] {
        assert!(!shown.contains(form), "{form:?} shown: {shown}");
    }
}

// ---------------------------------------------------------------------------
// Panic messages

static PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn capture_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            previous(info);
            let msg = match info.payload().downcast_ref::<String>() {
                Some(s) => s.clone(),
                None => info
                    .payload()
                    .downcast_ref::<&str>()
                    .map(|s| s.to_string())
                    .unwrap_or_default(),
            };
            PANICS.lock().unwrap_or_else(|e| e.into_inner()).push(msg);
        }));
    });
}

fn panic_message(f: impl FnOnce()) -> String {
    capture_panics();
    assert!(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).is_err());
    PANICS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .pop()
        .unwrap_or_default()
}

#[tokio::test]
// `Err(x).unwrap()` on purpose: the panic message is exactly what a user's own
// unwrap on one of our errors would print.
#[allow(clippy::unnecessary_literal_unwrap)]
async fn unwrap_and_expect_on_clients_and_errors_print_no_secret() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let key = "FAKE-ADMIN-API-KEY-0123456789abcdef";
    let odoo = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .api_key(key)
        .connect()
        .await
        .unwrap();
    let wrong = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .password("wrong-Pa55word-xyz")
        .connect()
        .await
        .unwrap_err();
    let aim = fake_with(&[]).start();
    let aim18 = connect(&aim, runtime::aim18::PathFamily::Entity).await;
    let tokens = aim18.tokens().await.unwrap();
    let access = tokens.access_token().expose_secret().to_string();
    let refresh = tokens.refresh_token().unwrap().expose_secret().to_string();
    let refused = Aim18Client::builder(aim.url())
        .client_id(APP)
        .client_secret("not-the-Secret-4242")
        .password_grant(USER, PASSWORD)
        .connect()
        .await
        .unwrap_err();

    let mut messages = Vec::new();
    {
        let odoo = odoo.clone();
        messages.push(panic_message(move || panic!("client: {odoo:?} {odoo:#?}")));
    }
    messages.push(panic_message(move || {
        Err::<(), _>(wrong).expect("connect with the wrong password")
    }));
    {
        let c = aim18.clone();
        messages.push(panic_message(move || panic!("{c:?}")));
    }
    let t = tokens.clone();
    messages.push(panic_message(move || {
        Err::<(), _>(t).unwrap();
    }));
    messages.push(panic_message(move || {
        Err::<(), _>(refused).unwrap();
    }));
    let secret = Secret::password("hunter2-Pa55");
    messages.push(panic_message(move || {
        Err::<(), _>(secret).unwrap();
    }));
    let all = messages.join("\n");
    for s in [
        key,
        "wrong-Pa55word-xyz",
        "not-the-Secret-4242",
        SECRET,
        PASSWORD,
        &runtime::aim18::sha1_hex(PASSWORD),
        &access,
        &refresh,
        "hunter2-Pa55",
    ] {
        assert!(!all.contains(s), "{s} in a panic message:\n{all}");
    }
    assert!(all.contains("[redacted]"), "{all}");
}

// ---------------------------------------------------------------------------
// Source audits

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The argument text of every `name!(…)` / `.name(…)` call in `src`.
fn calls<'a>(src: &'a str, name: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(i) = src[from..].find(name) {
        let start = from + i + name.len();
        from = start;
        let Some(open) = src[start..].find(['(', '{', '[']) else {
            break;
        };
        if !src[start..start + open].trim().is_empty() {
            continue;
        }
        let mut depth = 0;
        for (k, c) in src[start + open..].char_indices() {
            match c {
                '(' | '{' | '[' => depth += 1,
                ')' | '}' | ']' => {
                    depth -= 1;
                    if depth == 0 {
                        out.push(&src[start + open..start + open + k + 1]);
                        break;
                    }
                }
                _ => {}
            }
        }
    }
    out
}

#[test]
fn no_panic_or_log_macro_formats_a_secret() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut files = Vec::new();
    rust_files(&root.join("runtime/src"), &mut files);
    rust_files(&root.join("codegen/src"), &mut files);
    assert!(files.len() > 10);
    let sinks = [
        "panic!",
        "unreachable!",
        "todo!",
        "unimplemented!",
        "assert!",
        "assert_eq!",
        "assert_ne!",
        "debug_assert!",
        ".expect",
        "println!",
        "eprintln!",
        "print!",
        "eprint!",
        "dbg!",
        "trace!",
        "debug!",
        "info!",
        "warn!",
        "error!",
        "event!",
    ];
    let mut found = Vec::new();
    for f in &files {
        let src = std::fs::read_to_string(f).unwrap();
        // Unit tests assert on exposed secrets on purpose; they sit at the end of a file.
        let src = src.split("#[cfg(test)]").next().unwrap_or("");
        for sink in sinks {
            for args in calls(src, sink) {
                if args.contains("expose_secret") {
                    found.push(format!("{}: {sink}{args}", f.display()));
                }
            }
        }
    }
    assert!(
        found.is_empty(),
        "secrets formatted into panics or logs:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_generator_cli_takes_no_secret_on_its_command_line() {
    // Secrets would show in `ps`, shell history and CI logs: a `fetch` that talks
    // to a server must read them from the environment or a prompt. (There is no
    // `fetch` yet: the CLI works from snapshot files only.)
    let main = Path::new(env!("CARGO_MANIFEST_DIR")).join("../codegen/src/main.rs");
    let src = std::fs::read_to_string(main).unwrap();
    let mut offending = Vec::new();
    for (i, line) in src.lines().enumerate() {
        let l = line.trim().to_ascii_lowercase();
        let is_field =
            l.ends_with(',') && l.contains(':') && !l.starts_with("//") && !l.starts_with('#');
        let is_attr = l.starts_with("#[arg(") || l.starts_with("#[clap(");
        if (is_field || is_attr)
            && [
                "password", "passwd", "secret", "api_key", "apikey", "api-key", "token",
            ]
            .iter()
            .any(|w| l.contains(w))
        {
            offending.push(format!("main.rs:{}: {}", i + 1, line.trim()));
        }
    }
    assert!(
        offending.is_empty(),
        "CLI options that take a secret:\n{}",
        offending.join("\n")
    );
}

// ---------------------------------------------------------------------------
// Token file

fn tokens(n: usize) -> TokenSet {
    TokenSet::new(AccessToken::new(format!(
        "access-{n:04}-{}",
        "a".repeat(200)
    )))
    .with_refresh_token(RefreshToken::new(format!("refresh-{n:04}")))
    .with_expires_in(Duration::from_secs(3600))
}

#[cfg(unix)]
fn mode(p: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::symlink_metadata(p).unwrap().permissions().mode() & 0o777
}

#[cfg(unix)]
#[tokio::test]
async fn token_file_is_0600_replaces_symlinks_and_is_never_half_written() {
    let dir = tempfile::tempdir().unwrap();

    // An existing world-readable file is replaced by a 0600 one.
    let path = dir.path().join("tokens.json");
    std::fs::write(&path, b"{}").unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o644)).unwrap();
    let store = FileTokenStore::new(&path);
    store.save(&tokens(0)).await.unwrap();
    assert_eq!(mode(&path), 0o600);

    // A symlink at the path is replaced, not written through.
    let elsewhere = dir.path().join("elsewhere.txt");
    std::fs::write(&elsewhere, b"untouched").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
    FileTokenStore::new(&link).save(&tokens(1)).await.unwrap();
    assert_eq!(std::fs::read(&elsewhere).unwrap(), b"untouched");
    assert!(
        !std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert_eq!(mode(&link), 0o600);

    // Writers racing each other and a reader polling: every read sees a whole
    // token file, and no temporary file is left behind.
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let reader = {
        let path = path.clone();
        let stop = stop.clone();
        std::thread::spawn(move || {
            let mut reads = 0;
            while !stop.load(std::sync::atomic::Ordering::Relaxed) && reads < 20_000 {
                if let Ok(bytes) = std::fs::read(&path) {
                    let v: serde_json::Value = serde_json::from_slice(&bytes)
                        .unwrap_or_else(|e| panic!("half-written token file: {e}"));
                    assert!(v["access_token"].as_str().unwrap().starts_with("access-"));
                    reads += 1;
                }
            }
            reads
        })
    };
    let mut writers = Vec::new();
    for w in 0..4 {
        let store = FileTokenStore::new(&path);
        writers.push(tokio::spawn(async move {
            for i in 0..50 {
                store.save(&tokens(w * 100 + i)).await.unwrap();
            }
        }));
    }
    for w in writers {
        w.await.unwrap();
    }
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    assert!(reader.join().unwrap() > 0);
    assert_eq!(mode(&path), 0o600);
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names.len(), 3, "no temporary files left: {names:?}");
    let back = store.load().await.unwrap().unwrap();
    assert!(back.access_token().expose_secret().starts_with("access-"));
}

// ---------------------------------------------------------------------------
// OAuth state

fn is_state_mismatch(e: &runtime::Error) -> bool {
    e.is_authentication() && matches!(e.aim18_fault(), Some(Aim18Fault::StateMismatch))
}

/// No `state` at all: refused unless the request allows it (issue 19).
fn is_state_missing(e: &runtime::Error) -> bool {
    e.is_authentication() && matches!(e.aim18_fault(), Some(Aim18Fault::StateMissing))
}

#[test]
fn the_oauth_state_is_checked_in_every_form() {
    let r = AuthorizationRequest::new("https://erp.example.com", APP, REDIRECT).unwrap();
    let s = r.state().to_string();
    assert!(s.len() >= 22, "128 bits of state");
    for missing in [
        format!("{REDIRECT}?code=c"),
        format!("{REDIRECT}?code=c&STATE={s}"),
    ] {
        let e = r.code_from_redirect(&missing).unwrap_err();
        assert!(is_state_missing(&e), "{missing}: {e:?}");
    }
    for bad in [
        format!("{REDIRECT}?code=c&state="),
        format!("{REDIRECT}?code=c&state={}", &s[..s.len() - 1]),
        format!("{REDIRECT}?code=c&state={s}x"),
        format!("{REDIRECT}?code=c&state=forged&state={s}"),
        // An error answer with the wrong state is not believed either.
        format!("{REDIRECT}?error=access_denied&state=forged"),
    ] {
        let e = r.code_from_redirect(&bad).unwrap_err();
        assert!(is_state_mismatch(&e), "{bad}: {e:?}");
    }
    assert_eq!(
        r.code_from_redirect(&format!("{REDIRECT}?code=c&state={s}"))
            .unwrap()
            .expose_secret(),
        "c"
    );

    // An empty expected state protects nothing: it must not match an empty one.
    let empty = r.clone().with_state("");
    let e = empty
        .code_from_redirect(&format!("{REDIRECT}?code=c&state="))
        .unwrap_err();
    assert!(is_state_mismatch(&e), "{e:?}");
    let e = token_from_redirect("https://app/cb#access_token=t&state=", "").unwrap_err();
    assert!(is_state_mismatch(&e), "{e:?}");
    let e = token_from_redirect("https://app/cb#access_token=t", "").unwrap_err();
    assert!(is_state_missing(&e), "{e:?}");
}

// ---------------------------------------------------------------------------
// Redirect listener

async fn get(port: u16, target: &str) -> std::io::Result<String> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(("127.0.0.1", port)).await?;
    s.write_all(format!("GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n").as_bytes())
        .await?;
    let mut out = String::new();
    s.read_to_string(&mut out).await?;
    Ok(out)
}

#[tokio::test]
async fn the_redirect_listener_is_loopback_only_and_single_use() {
    for (state_sent, ok) in [("s-1", true), ("forged", false)] {
        let l = LoopbackListener::bind(None, Duration::from_secs(10)).unwrap();
        let port = l.port();
        let uri = url::Url::parse(&l.redirect_uri()).unwrap();
        assert_eq!(uri.host_str(), Some("127.0.0.1"));
        assert_eq!(uri.scheme(), "http");
        let waiting = tokio::spawn(async move { l.wait_for_code("s-1").await });
        let answer = get(port, &format!("/callback?code=abc&state={state_sent}"))
            .await
            .unwrap();
        assert!(
            answer.starts_with(if ok { "HTTP/1.1 200" } else { "HTTP/1.1 400" }),
            "{answer}"
        );
        assert!(!answer.contains("abc"), "the code is not echoed: {answer}");
        let outcome = tokio::time::timeout(Duration::from_secs(5), waiting)
            .await
            .unwrap()
            .unwrap();
        assert_eq!(outcome.is_ok(), ok);
        // Used once: the port is closed now.
        let again = tokio::net::TcpStream::connect(("127.0.0.1", port)).await;
        assert!(again.is_err(), "the listener must close after one redirect");
    }
}

#[tokio::test]
async fn an_idle_connection_does_not_hold_up_the_redirect() {
    // Browsers open speculative connections that may never carry a request.
    let l = LoopbackListener::bind(None, Duration::from_secs(20)).unwrap();
    let port = l.port();
    let waiting = tokio::spawn(async move { l.wait_for_code("s-2").await });
    let _idle = tokio::net::TcpStream::connect(("127.0.0.1", port))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(50)).await;
    let started = Instant::now();
    let browser = tokio::spawn(async move { get(port, "/callback?code=xyz&state=s-2").await });
    let code = tokio::time::timeout(Duration::from_secs(8), waiting)
        .await
        .expect("the redirect must not wait for the idle connection")
        .unwrap()
        .unwrap();
    assert_eq!(code.expose_secret(), "xyz");
    assert!(started.elapsed() < Duration::from_secs(8));
    assert!(browser.await.unwrap().unwrap().starts_with("HTTP/1.1 200"));
}
