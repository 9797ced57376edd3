//! Retries (reads only), session re-authentication, and paging large tables,
//! against the fake Odoo server's fault switches and request log.

use std::time::{Duration, Instant};

use futures_util::{StreamExt, TryStreamExt};
use runtime::http::RetryPolicy;
use runtime::odoo::{OdooClient, TransportKind};
use runtime::{Domain, ErrorKind, Model, Secret};
use serde::Deserialize;
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion, RecordedRequest};

fn quick() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(4)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .max_retry_after(Duration::from_millis(50))
}

async fn connect(fake: &FakeOdoo, secret: Secret, transport: Option<TransportKind>) -> OdooClient {
    let mut b = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(secret)
        .retry_policy(quick());
    if let Some(t) = transport {
        b = b.transport(t);
    }
    b.connect().await.unwrap()
}

async fn every_transport(fake: &FakeOdoo) -> Vec<OdooClient> {
    let mut out = vec![
        connect(
            fake,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::JsonRpc),
        )
        .await,
        connect(
            fake,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
        )
        .await,
    ];
    if fake.version().has_json2() {
        out.push(connect(fake, Secret::api_key(ADMIN_API_KEY), None).await);
    }
    out
}

fn calls(reqs: &[RecordedRequest], method: &str) -> usize {
    reqs.iter()
        .filter(|r| r.method.as_deref() == Some(method))
        .count()
}

/// Requests that reached the handler for `method`, dropped ones included
/// (a dropped request is logged before the fault applies, with status 0).
fn attempts(fake: &FakeOdoo, method: &str) -> usize {
    calls(&fake.requests(), method)
}

#[tokio::test]
async fn reads_retry_on_502_503_504_and_dropped_connections() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for c in every_transport(&fake).await {
            let what = format!("{v} via {}", c.transport());
            fake.clear_requests();
            fake.faults().html_502(1);
            fake.faults().status(1, 503, None);
            fake.faults().drop_connections(1);
            let rows = c
                .model("res.partner")
                .search_read(())
                .fields(["name"])
                .limit(2)
                .await;
            assert_eq!(rows.unwrap().len(), 2, "{what}");
            assert_eq!(
                attempts(&fake, "search_read"),
                4,
                "{what}: {:#?}",
                fake.requests()
            );

            fake.clear_requests();
            fake.faults().status(2, 504, None);
            assert!(
                c.model("res.partner").search_count(()).await.unwrap() > 0,
                "{what}"
            );
            assert_eq!(attempts(&fake, "search_count"), 3, "{what}");

            // Every read helper is retried.
            fake.faults().status(1, 503, None);
            c.model("res.partner")
                .read([1])
                .fields(["name"])
                .await
                .unwrap();
            fake.faults().status(1, 503, None);
            c.model("res.partner").search(()).limit(1).await.unwrap();
            fake.faults().status(1, 503, None);
            c.model("res.partner")
                .fields_get()
                .attributes(["type"])
                .await
                .unwrap();
            fake.faults().status(1, 503, None);
            c.model("res.partner")
                .name_search("Deco")
                .limit(1)
                .await
                .unwrap();
            fake.faults().status(1, 502, None);
            c.model("sale.order")
                .read_group((), ["amount_total:sum"], ["state"])
                .await
                .unwrap();
            assert_eq!(fake.faults().pending(), 0);
        }
    }
}

#[tokio::test]
async fn retries_are_bounded_by_max_attempts() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let c = connect(&fake, Secret::password(ADMIN_PASSWORD), None).await;
    fake.clear_requests();
    fake.faults().status(10, 503, None);
    let e = c.model("res.partner").search(()).await.unwrap_err();
    assert!(e.is_protocol() && e.status() == Some(503), "{e:?}");
    assert_eq!(attempts(&fake, "search"), 4);
    fake.faults().clear();
}

#[tokio::test]
async fn too_many_requests_honours_retry_after_up_to_the_cap() {
    let fake = FakeOdoo::start(OdooVersion::V17);
    let c = connect(&fake, Secret::password(ADMIN_PASSWORD), None).await;
    // The server asks for an hour; the policy caps the wait at 50 ms.
    fake.faults().status(1, 429, Some(3600));
    let started = Instant::now();
    c.model("res.partner").search_count(()).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );

    // An honoured Retry-After of 1 s (under a 5 s cap) is actually waited.
    let patient = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .retry_policy(
            RetryPolicy::new()
                .initial_backoff(Duration::from_millis(1))
                .max_retry_after(Duration::from_secs(5)),
        )
        .connect()
        .await
        .unwrap();
    fake.faults().status(1, 429, Some(1));
    let started = Instant::now();
    patient.model("res.partner").search_count(()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "{:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn writes_and_unknown_methods_are_never_retried() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for c in every_transport(&fake).await {
            let what = format!("{v} via {}", c.transport());
            let partners = c.model("res.partner");
            let before = fake.records("res.partner").len();

            fake.clear_requests();
            fake.faults().status(1, 503, None);
            let e = partners
                .create(&json!({"name": "Only once"}))
                .await
                .unwrap_err();
            assert!(e.is_protocol() && e.status() == Some(503), "{what}: {e:?}");
            assert_eq!(attempts(&fake, "create"), 1, "{what}");

            fake.faults().drop_connections(1);
            let e = partners
                .create(&json!({"name": "Only once"}))
                .await
                .unwrap_err();
            assert!(e.is_transport(), "{what}: {e:?}");
            assert_eq!(attempts(&fake, "create"), 2, "{what}");

            fake.faults().html_502(1);
            assert!(partners.write([1], &json!({"comment": "x"})).await.is_err());
            assert_eq!(attempts(&fake, "write"), 1, "{what}");

            fake.faults().status(1, 502, None);
            assert!(partners.unlink([999_999]).await.is_err());
            assert_eq!(attempts(&fake, "unlink"), 1, "{what}");

            fake.faults().status(1, 429, Some(0));
            assert!(
                c.call::<Value>("res.partner", "action_archive", [1], json!({}))
                    .await
                    .is_err()
            );
            assert_eq!(attempts(&fake, "action_archive"), 1, "{what}");

            assert_eq!(
                fake.records("res.partner").len(),
                before,
                "{what}: nothing was created"
            );
            assert_eq!(fake.faults().pending(), 0);
        }
    }
}

#[tokio::test]
async fn an_expired_web_session_logs_in_again_once_transparently() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        let c = connect(
            &fake,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
        )
        .await;
        assert_eq!(c.transport(), TransportKind::WebSession);
        c.model("res.partner").search_count(()).await.unwrap();

        fake.clear_requests();
        fake.expire_sessions();
        let n = c.model("res.partner").search_count(()).await.unwrap();
        assert!(n > 0);
        let paths: Vec<String> = fake.requests().iter().map(|r| r.path.clone()).collect();
        assert_eq!(paths.len(), 3, "{v}: {paths:?}");
        assert!(paths[0].starts_with("/web/dataset/call_kw"), "{paths:?}");
        assert_eq!(paths[1], "/web/session/authenticate");
        assert!(paths[2].starts_with("/web/dataset/call_kw"), "{paths:?}");

        // Also for a write: the server refused the expired call before running it.
        fake.expire_sessions();
        let id = c
            .model("res.partner")
            .create(&json!({"name": "After expiry"}))
            .await
            .unwrap();
        let found = fake
            .records("res.partner")
            .into_iter()
            .filter(|r| r["name"] == "After expiry")
            .count();
        assert_eq!(found, 1, "{v}");
        assert!(id > 0);

        // Several calls at once after an expiry log in only once.
        fake.clear_requests();
        fake.expire_sessions();
        let m = c.model("res.partner");
        let (a, b, d) = tokio::join!(m.search_count(()), m.search_count(()), m.search_count(()));
        assert!(a.is_ok() && b.is_ok() && d.is_ok());
        let logins = fake
            .requests()
            .iter()
            .filter(|r| r.path == "/web/session/authenticate")
            .count();
        assert_eq!(logins, 1, "{v}");
    }
}

#[derive(Debug, Deserialize)]
struct Named {
    id: i64,
    #[allow(dead_code)]
    name: String,
}

impl Model for Named {
    const MODEL: &'static str = "res.partner";
    const FIELDS: &'static [&'static str] = &["name"];
    fn id(&self) -> i64 {
        self.id
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn paging_100k_records_holds_one_page_and_yields_each_id_once_in_order() {
    const TOTAL: usize = 100_000;
    const PAGE: u64 = 5_000;
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    fake.seed_many(
        "res.partner",
        TOTAL,
        |i| json!({"name": format!("Bulk {i:06}"), "is_company": i % 2 == 0}),
    );
    let expected: Vec<i64> = {
        let mut ids: Vec<i64> = fake
            .records("res.partner")
            .iter()
            .filter_map(|r| r["id"].as_i64())
            .collect();
        ids.sort_unstable();
        ids
    };
    assert!(expected.len() >= TOTAL);
    let c = connect(&fake, Secret::password(ADMIN_PASSWORD), None).await;
    fake.clear_requests();

    let mut pages = Box::pin(c.search_read::<Named>(()).pages(PAGE));
    let mut seen: Vec<i64> = Vec::with_capacity(expected.len());
    let mut largest = 0;
    let mut fetched_before_polling = None;
    while let Some(page) = pages.next().await {
        let page = page.unwrap();
        largest = largest.max(page.len());
        assert!(page.len() as u64 <= PAGE);
        seen.extend(page.iter().map(Model::id));
        if fetched_before_polling.is_none() {
            // Nothing is fetched ahead: one page requested so far.
            fetched_before_polling = Some(calls(&fake.requests(), "search_read"));
        }
    }
    assert_eq!(fetched_before_polling, Some(1));
    assert_eq!(largest as u64, PAGE);
    assert_eq!(seen, expected, "every id exactly once, in id order");
    let reqs = fake.requests();
    let page_calls: Vec<&RecordedRequest> = reqs
        .iter()
        .filter(|r| r.method.as_deref() == Some("search_read"))
        .collect();
    assert_eq!(
        page_calls.len(),
        expected.len().div_ceil(PAGE as usize)
            + usize::from(expected.len().is_multiple_of(PAGE as usize))
    );
    for r in &page_calls {
        let kw = &r.params["args"][6];
        assert_eq!(kw["order"], "id");
        assert_eq!(kw["limit"], json!(PAGE));
        assert_eq!(kw["fields"], json!(["name"]));
    }

    // Per record, over the untyped handle.
    let n = c
        .model("res.partner")
        .search_read(Domain::leaf("is_company", "=", true))
        .fields(["name"])
        .stream(PAGE)
        .try_fold(0usize, |n, _| async move { Ok(n + 1) })
        .await
        .unwrap();
    assert_eq!(n, TOTAL / 2);
}

#[tokio::test]
async fn paging_keeps_a_stable_order_and_respects_offset_and_limit() {
    let fake = FakeOdoo::builder(OdooVersion::V19).seed_demo(false).start();
    fake.seed_many(
        "res.partner",
        57,
        |i| json!({"name": format!("Same {}", i % 3)}),
    );
    for c in every_transport(&fake).await {
        let what = format!("via {}", c.transport());
        fake.clear_requests();
        let all: Vec<Value> = c
            .model("res.partner")
            .search_read(())
            .fields(["name"])
            .order("name desc")
            .pages(10)
            .try_concat()
            .await
            .unwrap();
        assert_eq!(all.len(), fake.records("res.partner").len(), "{what}");
        let mut ids: Vec<i64> = all.iter().map(|r| r["id"].as_i64().unwrap()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), all.len(), "{what}: no id twice");
        for r in fake
            .requests()
            .iter()
            .filter(|r| r.method.as_deref() == Some("search_read"))
        {
            let order = if r.path == "/jsonrpc" {
                r.params["args"][6]["order"].clone()
            } else if r.path.starts_with("/web/dataset") {
                r.params["kwargs"]["order"].clone()
            } else {
                r.params["order"].clone()
            };
            assert_eq!(order, "name desc, id", "{what}");
        }

        fake.clear_requests();
        let window: Vec<Value> = c
            .model("res.partner")
            .search_read(())
            .fields(["name"])
            .offset(5)
            .limit(25)
            .stream(10)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(window.len(), 25, "{what}");
        assert_eq!(
            calls(&fake.requests(), "search_read"),
            3,
            "{what}: pages of 10, 10, 5"
        );
        let first: Vec<Value> = c
            .model("res.partner")
            .search_read(())
            .fields(["name"])
            .order("id")
            .limit(30)
            .await
            .unwrap();
        assert_eq!(window[0]["id"], first[5]["id"], "{what}");
        assert_eq!(window[24]["id"], first[29]["id"], "{what}");
    }
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_the_error() {
    let fake = FakeOdoo::builder(OdooVersion::V16).seed_demo(false).start();
    fake.seed_many("res.partner", 30, |i| json!({"name": format!("P{i}")}));
    let c = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .max_attempts(1)
        .connect()
        .await
        .unwrap();
    let mut pages = Box::pin(
        c.model("res.partner")
            .search_read(())
            .fields(["name"])
            .pages(10),
    );
    assert_eq!(pages.next().await.unwrap().unwrap().len(), 10);
    fake.faults().html_502(1);
    let e = pages.next().await.unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol);
    assert!(pages.next().await.is_none());
}

#[tokio::test]
async fn an_answer_cut_off_mid_body_is_retried_for_reads_only() {
    for v in [OdooVersion::V16, OdooVersion::V19] {
        let fake = FakeOdoo::start(v);
        for c in every_transport(&fake).await {
            let what = format!("{v} via {}", c.transport());
            fake.clear_requests();
            fake.faults().truncate_responses(1);
            let rows = c
                .model("res.partner")
                .search_read(())
                .fields(["name"])
                .limit(3)
                .await
                .unwrap();
            assert_eq!(rows.len(), 3, "{what}");
            assert_eq!(attempts(&fake, "search_read"), 2, "{what}");

            fake.faults().truncate_responses(1);
            let e = c
                .model("res.partner")
                .write([1], &json!({"comment": "cut"}))
                .await
                .unwrap_err();
            assert!(e.is_transport(), "{what}: {e:?}");
            assert_eq!(attempts(&fake, "write"), 1, "{what}");
        }
    }
}
