//! Passwords, API keys and session ids never appear in Debug or Display of the
//! client, its builder, secrets or any error, nor in log events (captured with
//! a small tracing subscriber, so no extra dependency).

use std::fmt::Write as _;
use std::time::Duration;

use runtime::http::RetryPolicy;
use runtime::odoo::{OdooClient, TransportKind};
use runtime::{Domain, Secret};
use serde_json::{Value, json};
use tests::odoo::{FakeOdoo, OdooVersion};
use tests::support::LogCapture;

const PASSWORD: &str = "Alice-Pa55word-XYZ";
const API_KEY: &str = "ALICE-API-KEY-0123456789abcdef";
const WRONG: &str = "Wrong-Secret-987654321";

fn fake(v: OdooVersion) -> FakeOdoo {
    FakeOdoo::builder(v)
        .user("alice", PASSWORD)
        .api_key("alice", API_KEY)
        .start()
}

/// Everything printable about an error: Display, Debug, pretty Debug, and its sources.
fn dump_error(out: &mut String, e: &runtime::Error) {
    let _ = write!(out, "{e}\n{e:?}\n{e:#?}\n{:?}\n", e.fault());
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = write!(out, "{s}\n{s:?}\n");
        source = s.source();
    }
}

fn assert_clean(text: &str) {
    for secret in [PASSWORD, API_KEY, WRONG] {
        assert!(
            !text.contains(secret),
            "secret {secret:?} leaked in:\n{text}"
        );
    }
    assert!(
        !text.contains("session_id="),
        "session cookie leaked in:\n{text}"
    );
}

async fn exercise(v: OdooVersion, out: &mut String) {
    let fake = fake(v);
    let builder = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("alice")
        .password(PASSWORD)
        .retry_policy(RetryPolicy::new().initial_backoff(Duration::from_millis(2)));
    let _ = write!(out, "{builder:?}\n{builder:#?}\n");
    let _ = writeln!(
        out,
        "{:?} {:?}",
        Secret::password(PASSWORD),
        Secret::api_key(API_KEY)
    );

    let mut clients = Vec::new();
    for (secret, transport) in [
        (Secret::password(PASSWORD), None),
        (Secret::api_key(API_KEY), None),
        (Secret::password(PASSWORD), Some(TransportKind::WebSession)),
    ] {
        let mut b = builder.clone().secret(secret);
        if let Some(t) = transport {
            b = b.transport(t);
        }
        let c = b.connect().await.unwrap();
        let _ = write!(out, "{c:?}\n{c:#?}\n");
        clients.push(c);
    }

    // Wrong secrets on every route.
    for (secret, transport) in [
        (Secret::password(WRONG), None),
        (Secret::api_key(WRONG), None),
        (Secret::password(WRONG), Some(TransportKind::WebSession)),
        (Secret::password(WRONG), Some(TransportKind::JsonRpc)),
    ] {
        let mut b = builder.clone().secret(secret);
        if let Some(t) = transport {
            b = b.transport(t);
        }
        let e = b.connect().await.unwrap_err();
        assert!(e.is_authentication(), "{e:?}");
        dump_error(out, &e);
    }
    // Refused configurations.
    for b in [
        builder
            .clone()
            .api_key(API_KEY)
            .transport(TransportKind::WebSession),
        builder
            .clone()
            .password(PASSWORD)
            .transport(TransportKind::Json2),
        OdooClient::builder("http://erp.example.com")
            .login("alice")
            .password(PASSWORD),
        OdooClient::builder(format!("http://alice:{PASSWORD}@127.0.0.1:1"))
            .login("alice")
            .password(PASSWORD),
    ] {
        if let Err(e) = b.connect().await {
            dump_error(out, &e);
        }
    }

    for c in &clients {
        let partners = c.model("res.partner");
        // Server errors: access, validation, missing, unknown method.
        for e in [
            c.model("ir.config_parameter")
                .search_read(())
                .await
                .unwrap_err(),
            partners
                .write([999_999], &json!({"name": "x"}))
                .await
                .unwrap_err(),
            partners
                .search(Domain::leaf("no_such_field", "=", 1))
                .await
                .unwrap_err(),
            c.execute_kw::<Value>(
                "res.partner",
                "no_such_method",
                vec![json!([])],
                Value::Null,
            )
            .await
            .unwrap_err(),
            c.execute_kw::<Vec<i64>>("res.partner", "search_count", vec![json!([])], Value::Null)
                .await
                .unwrap_err(),
        ] {
            dump_error(out, &e);
        }
        // Protocol and transport errors, and a read that is retried (logs a warning).
        fake.faults().html_502(1);
        dump_error(
            out,
            &partners.create(&json!({"name": "x"})).await.unwrap_err(),
        );
        fake.faults().drop_connections(1);
        dump_error(
            out,
            &partners.create(&json!({"name": "x"})).await.unwrap_err(),
        );
        fake.faults().status(1, 503, None);
        partners.search_count(()).await.unwrap();
        // An expired session is logged in again (logs an info line).
        fake.expire_sessions();
        partners.search_count(()).await.unwrap();
    }
}

// One test only in this binary: tracing caches per-callsite interest
// process-wide, so a test running concurrently without the subscriber could
// make log events skip it.
#[test]
fn secrets_never_appear_in_debug_display_errors_or_logs() {
    let capture = LogCapture::default();
    tracing::subscriber::with_default(capture.clone(), || {
        // A current-thread runtime keeps every client task on this thread, under this subscriber.
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        for v in OdooVersion::ALL {
            let mut out = String::new();
            rt.block_on(exercise(v, &mut out));
            assert!(out.len() > 1000);
            assert!(out.contains("alice") && out.contains("[redacted]"));
            for expected in [
                "authentication failed",
                "AccessError",
                "MissingError",
                "protocol error",
                "transport error",
                "decode error",
                "configuration error",
            ] {
                assert!(
                    out.contains(expected),
                    "{v}: no {expected:?} error was exercised"
                );
            }
            assert_clean(&out);
        }
    });
    let logs = capture.text();
    for expected in [
        "odoo call",
        "retrying a read",
        "logging in again",
        "connected to Odoo",
    ] {
        assert!(logs.contains(expected), "no {expected:?} in the logs");
    }
    assert_clean(&logs);
}
