//! Odoo's errors through the client, on every version and transport: each maps
//! to the same ErrorKind whether it came as a JSON-RPC `error.data.name` (HTTP
//! 200) or as a JSON-2 HTTP status with a body; errors name model and method,
//! keep the traceback out of Display, and never panic on odd answers.

use std::error::Error as _;
use std::time::Duration;

use runtime::http::RetryPolicy;
use runtime::odoo::{OdooClient, TransportKind};
use runtime::{Domain, ErrorKind, Secret};
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, DEMO_PASSWORD, FakeOdoo, OdooVersion};

async fn connect(
    fake: &FakeOdoo,
    login: &str,
    secret: Secret,
    transport: Option<TransportKind>,
) -> OdooClient {
    let mut b = OdooClient::builder(fake.url())
        .database(fake.db())
        .login(login)
        .secret(secret)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(5)),
        );
    if let Some(t) = transport {
        b = b.transport(t);
    }
    b.connect().await.unwrap()
}

/// Admin clients on every transport the version offers.
async fn admin_clients(fake: &FakeOdoo) -> Vec<OdooClient> {
    let mut out = vec![
        connect(
            fake,
            "admin",
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::JsonRpc),
        )
        .await,
        connect(
            fake,
            "admin",
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
        )
        .await,
    ];
    if fake.version().has_json2() {
        out.push(connect(fake, "admin", Secret::api_key(ADMIN_API_KEY), None).await);
    }
    out
}

fn assert_server_error(
    e: &runtime::Error,
    kind: ErrorKind,
    model: &str,
    method: &str,
    label: &str,
    what: &str,
) {
    assert_eq!(e.kind(), kind, "{what}: {e:?}");
    assert_eq!(
        (e.model(), e.method()),
        (Some(model), Some(method)),
        "{what}"
    );
    let shown = e.to_string();
    assert!(
        shown.starts_with(&format!("{model}/{method}: {label}: ")),
        "{what}: {shown}"
    );
    let fault = e.fault().unwrap_or_else(|| panic!("{what}: no fault"));
    assert!(shown.ends_with(fault.message()), "{what}: {shown}");
    if let Some(debug) = e.debug() {
        assert!(!shown.contains(debug), "{what}");
    }
}

#[tokio::test]
async fn access_error_for_a_user_without_rights() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        let mut clients = vec![
            connect(
                &fake,
                "demo",
                Secret::password(DEMO_PASSWORD),
                Some(TransportKind::JsonRpc),
            )
            .await,
            connect(
                &fake,
                "demo",
                Secret::password(DEMO_PASSWORD),
                Some(TransportKind::WebSession),
            )
            .await,
        ];
        if v.has_json2() {
            let f2 = FakeOdoo::builder(v)
                .api_key("demo", "DEMO-KEY-for-json2-tests")
                .start();
            let c = connect(
                &f2,
                "demo",
                Secret::api_key("DEMO-KEY-for-json2-tests"),
                None,
            )
            .await;
            let e = c
                .model("ir.config_parameter")
                .search_read(())
                .limit(1)
                .await
                .unwrap_err();
            assert_server_error(
                &e,
                ErrorKind::Access,
                "ir.config_parameter",
                "search_read",
                "AccessError",
                "19 JSON-2",
            );
            assert_eq!(e.status(), Some(403));
            clients.push(connect(&fake, "demo", Secret::password(DEMO_PASSWORD), None).await);
        }
        for c in clients {
            let what = format!("{v} via {}", c.transport());
            let e = c
                .model("ir.config_parameter")
                .search_read(())
                .limit(1)
                .await
                .unwrap_err();
            assert_server_error(
                &e,
                ErrorKind::Access,
                "ir.config_parameter",
                "search_read",
                "AccessError",
                &what,
            );
            assert!(e.is_access());
            assert_eq!(e.fault().unwrap().name(), "odoo.exceptions.AccessError");
            assert!(
                e.fault().unwrap().message().contains("ir.config_parameter"),
                "{what}"
            );
        }
    }
}

#[tokio::test]
async fn validation_user_and_missing_errors() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for c in admin_clients(&fake).await {
            let what = format!("{v} via {}", c.transport());
            let partners = c.model("res.partner");

            // A partner cannot be its own parent.
            let id = partners
                .search(Domain::leaf("is_company", "=", true))
                .limit(1)
                .await
                .unwrap()[0];
            let e = partners
                .write([id], &json!({"parent_id": id}))
                .await
                .unwrap_err();
            assert_server_error(
                &e,
                ErrorKind::Validation,
                "res.partner",
                "write",
                "ValidationError",
                &what,
            );

            // A required field missing on create is a ValidationError too.
            let e = c
                .model("sale.order")
                .create(&json!({"note": "no partner"}))
                .await
                .unwrap_err();
            assert_server_error(
                &e,
                ErrorKind::Validation,
                "sale.order",
                "create",
                "ValidationError",
                &what,
            );

            // Writing a record that does not exist.
            let e = partners
                .write([999_999], &json!({"name": "x"}))
                .await
                .unwrap_err();
            assert_server_error(
                &e,
                ErrorKind::Missing,
                "res.partner",
                "write",
                "MissingError",
                &what,
            );
            assert!(e.is_missing());

            // A business rule: confirmed orders cannot be deleted.
            let confirmed = c
                .model("sale.order")
                .search(Domain::leaf("state", "=", "sale"))
                .limit(1)
                .await
                .unwrap();
            let e = c.model("sale.order").unlink(&confirmed).await.unwrap_err();
            assert_server_error(
                &e,
                ErrorKind::User,
                "sale.order",
                "unlink",
                "UserError",
                &what,
            );
            assert!(e.is_user_error());
        }
    }
}

#[tokio::test]
async fn unknown_model_and_method() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for c in admin_clients(&fake).await {
            let what = format!("{v} via {}", c.transport());
            let e = c.model("no.such.model").search(()).await.unwrap_err();
            let e2 = c
                .execute_kw::<Value>(
                    "res.partner",
                    "no_such_method",
                    vec![json!([])],
                    Value::Null,
                )
                .await
                .unwrap_err();
            assert_eq!(
                (e.model(), e.method()),
                (Some("no.such.model"), Some("search")),
                "{what}"
            );
            assert_eq!(
                (e2.model(), e2.method()),
                (Some("res.partner"), Some("no_such_method")),
                "{what}"
            );
            if c.transport() == TransportKind::Json2 {
                // JSON-2 answers 404 NotFound for both.
                assert_eq!(e.kind(), ErrorKind::NotFound, "{what}: {e:?}");
                assert_eq!(e2.kind(), ErrorKind::NotFound, "{what}: {e2:?}");
                assert_eq!(e.status(), Some(404));
            } else {
                // JSON-RPC raises UserError("Object x doesn't exist") and AttributeError.
                assert_eq!(e.kind(), ErrorKind::User, "{what}: {e:?}");
                assert!(e.to_string().contains("no.such.model"), "{what}: {e}");
                assert_eq!(e2.kind(), ErrorKind::Server, "{what}: {e2:?}");
                assert_eq!(
                    e2.fault().unwrap().name(),
                    "builtins.AttributeError",
                    "{what}"
                );
                assert!(
                    e2.to_string()
                        .starts_with("res.partner/no_such_method: AttributeError: "),
                    "{e2}"
                );
            }
            // Other server exceptions keep their name and message.
            let e = c
                .model("res.partner")
                .search(Domain::leaf("no_such_field", "=", 1))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Server, "{what}: {e:?}");
            assert_eq!(e.fault().unwrap().name(), "builtins.ValueError", "{what}");
            assert!(e.to_string().contains("no_such_field"), "{what}");
        }
    }
}

#[tokio::test]
async fn html_502_from_a_proxy_is_a_protocol_error_with_status_and_excerpt() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for c in admin_clients(&fake).await {
            let what = format!("{v} via {}", c.transport());
            // A write is never retried: the one 502 comes straight back.
            fake.faults().html_502(1);
            let e = c
                .model("res.partner")
                .create(&json!({"name": "x"}))
                .await
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {e:?}");
            assert_eq!(e.status(), Some(502), "{what}");
            assert!(
                e.body_excerpt().unwrap().contains("502 Bad Gateway"),
                "{what}: {e:?}"
            );
            let shown = e.to_string();
            assert!(
                shown.starts_with("res.partner/create: protocol error: "),
                "{shown}"
            );
            assert!(
                shown.contains("HTTP 502") && shown.contains("<title>502 Bad Gateway</title>"),
                "{shown}"
            );
            // A read retried past its attempts reports the last 502 the same way.
            fake.faults().html_502(5);
            let e = c.model("res.partner").search(()).await.unwrap_err();
            assert!(e.is_protocol() && e.status() == Some(502), "{what}: {e:?}");
            fake.faults().clear();
        }
    }
}

#[tokio::test]
async fn answers_of_the_wrong_shape_are_decode_errors_not_panics() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let c = connect(&fake, "admin", Secret::password(ADMIN_PASSWORD), None).await;
    // search_count answers a number; asking for a list must fail cleanly.
    let e = c
        .execute_kw::<Vec<i64>>("res.partner", "search_count", vec![json!([])], Value::Null)
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Decode, "{e:?}");
    assert_eq!(e.method(), Some("search_count"));
    assert!(e.source().is_some());
    // `false` where a list was expected (exists on nothing answers an empty list; write answers true).
    let e = c
        .execute_kw::<Vec<Value>>(
            "res.partner",
            "write",
            vec![json!([1]), json!({"comment": "x"})],
            Value::Null,
        )
        .await
        .unwrap_err();
    assert!(e.is_decode(), "{e:?}");
    // kwargs that are not an object are refused before sending.
    let e = c
        .execute_kw::<Value>("res.partner", "search", vec![json!([])], json!([1]))
        .await
        .unwrap_err();
    assert!(e.is_config(), "{e:?}");
}

#[tokio::test]
async fn transport_errors_keep_their_cause() {
    // A port nobody listens on: bind, note the port, close.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let e = OdooClient::builder(format!("http://127.0.0.1:{port}"))
        .database("db")
        .login("admin")
        .password("pw-unreachable-1")
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Transport, "{e:?}");
    assert!(e.is_connect(), "{e:?}");
    assert!(e.source().is_some());
    assert_eq!(e.url().map(|u| u.port()), Some(Some(port)));
    assert!(
        e.to_string()
            .starts_with("common/version: transport error: could not connect"),
        "{e}"
    );
}

#[tokio::test]
async fn timeouts_are_configurable() {
    let fake = FakeOdoo::start(OdooVersion::V17);
    let c = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .timeout(Duration::from_millis(300))
        .connect_timeout(Duration::from_secs(2))
        .max_attempts(1)
        .connect()
        .await
        .unwrap();
    fake.faults().set_latency(Duration::from_millis(1500));
    let started = std::time::Instant::now();
    let e = c.model("res.partner").search_count(()).await.unwrap_err();
    assert!(e.is_transport() && e.is_timeout(), "{e:?}");
    assert!(
        started.elapsed() < Duration::from_millis(1400),
        "{:?}",
        started.elapsed()
    );
    fake.faults().clear();
}
