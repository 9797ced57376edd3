//! Failure paths of the Odoo client that `odoo_resilience.rs` does not cover:
//! faults in the middle of paging (session expiry, proxy pages, dropped and
//! cut connections, 429/503 with `Retry-After`) must neither skip nor repeat a
//! record; answers slower than the timeout end in a typed timeout error after
//! a bounded number of attempts; and a write hit by any fault reaches the
//! server at most once (created records are counted on the fake).
//!
//! Everything runs against `tests::odoo::FakeOdoo` on 127.0.0.1, with bounded
//! loops and short timeouts.

use std::time::{Duration, Instant};

use futures_util::StreamExt;
use runtime::http::RetryPolicy;
use runtime::odoo::{OdooClient, TransportKind};
use runtime::{ErrorKind, Model, Secret};
use serde::Deserialize;
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, Faults, OdooVersion, RecordedRequest};

const MAX_ATTEMPTS: u32 = 4;

fn quick() -> RetryPolicy {
    RetryPolicy::new()
        .max_attempts(MAX_ATTEMPTS)
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
        .max_retry_after(Duration::from_millis(50))
}

async fn connect(
    fake: &FakeOdoo,
    secret: Secret,
    transport: Option<TransportKind>,
    timeout: Option<Duration>,
) -> OdooClient {
    let mut b = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(secret)
        .retry_policy(quick());
    if let Some(t) = transport {
        b = b.transport(t);
    }
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.connect().await.unwrap()
}

/// One client per transport the version offers.
async fn every_transport(fake: &FakeOdoo, timeout: Option<Duration>) -> Vec<OdooClient> {
    let mut out = vec![
        connect(
            fake,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::JsonRpc),
            timeout,
        )
        .await,
        connect(
            fake,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
            timeout,
        )
        .await,
    ];
    if fake.version().has_json2() {
        out.push(connect(fake, Secret::api_key(ADMIN_API_KEY), None, timeout).await);
    }
    out
}

fn of_method<'a>(reqs: &'a [RecordedRequest], method: &str) -> Vec<&'a RecordedRequest> {
    reqs.iter()
        .filter(|r| r.method.as_deref() == Some(method))
        .collect()
}

/// The keyword arguments of a recorded ORM call, whatever the transport.
fn kwargs(r: &RecordedRequest) -> Value {
    if r.path == "/jsonrpc" {
        r.params["args"][6].clone()
    } else if r.path.starts_with("/web/dataset") {
        r.params["kwargs"].clone()
    } else {
        r.params.clone()
    }
}

fn named(fake: &FakeOdoo, name: &str) -> usize {
    fake.records("res.partner")
        .iter()
        .filter(|r| r["name"] == name)
        .count()
}

#[derive(Debug, Deserialize)]
struct Partner {
    id: i64,
    #[allow(dead_code)]
    name: String,
}

impl Model for Partner {
    const MODEL: &'static str = "res.partner";
    const FIELDS: &'static [&'static str] = &["name"];
    fn id(&self) -> i64 {
        self.id
    }
}

/// Every res.partner id on the fake, ascending.
fn partner_ids(fake: &FakeOdoo) -> Vec<i64> {
    let mut ids: Vec<i64> = fake
        .records("res.partner")
        .iter()
        .filter_map(|r| r["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids
}

/// What to break before fetching page `n` (1-based) of a stream.
fn break_before_page(fake: &FakeOdoo, n: usize) -> &'static str {
    let f = fake.faults();
    match n {
        2 => {
            fake.expire_sessions();
            "session expired"
        }
        3 => {
            f.html_502(1);
            "proxy 502 page"
        }
        4 => {
            f.drop_connections(1);
            "connection closed without an answer"
        }
        5 => {
            f.truncate_responses(1);
            "answer cut mid-body"
        }
        6 => {
            // Asks for an hour; the policy caps the wait at 50 ms.
            f.status(1, 503, Some(3600));
            "503 with Retry-After"
        }
        7 => {
            f.status(1, 429, Some(0));
            "429 with Retry-After: 0"
        }
        8 => {
            fake.expire_sessions();
            f.status(1, 504, None);
            "504, then an expired session"
        }
        9 => {
            f.html_502(1);
            f.drop_connections(1);
            f.truncate_responses(1);
            "three faults in a row (within the 4 attempts)"
        }
        _ => "nothing",
    }
}

#[tokio::test]
async fn paging_survives_faults_between_pages_without_skipping_or_repeating() {
    const TOTAL: usize = 95;
    const PAGE: u64 = 10;
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::builder(v).seed_demo(false).start();
        fake.seed_many(
            "res.partner",
            TOTAL,
            |i| json!({"name": format!("Page {i:03}")}),
        );
        let expected = partner_ids(&fake);
        for c in every_transport(&fake, None).await {
            let what = format!("{v} via {}", c.transport());
            fake.faults().clear();
            // The previous transport's round expired every session: log in again first.
            c.model("res.partner").search_count(()).await.unwrap();
            fake.clear_requests();
            let mut pages = Box::pin(c.search_read::<Partner>(()).pages(PAGE));
            let mut seen = Vec::new();
            let mut n = 0;
            let mut injected = Vec::new();
            // Bounded: at most TOTAL / PAGE + 2 pages can come.
            while let Some(page) = pages.next().await {
                let page = page
                    .unwrap_or_else(|e| panic!("{what}: page {} after {injected:?}: {e:?}", n + 1));
                seen.extend(page.iter().map(Model::id));
                n += 1;
                assert!(n <= TOTAL / PAGE as usize + 2, "{what}: runaway stream");
                injected.push(break_before_page(&fake, n + 1));
            }
            assert_eq!(seen, expected, "{what}: every id once, in order");
            assert_eq!(fake.faults().pending(), 0, "{what}: every fault was hit");

            // The successful page requests asked for consecutive windows.
            let reqs = fake.requests();
            let offsets: Vec<i64> = of_method(&reqs, "search_read")
                .into_iter()
                .filter(|r| r.status == 200 && r.fault.is_none())
                .map(|r| kwargs(r)["offset"].as_i64().unwrap_or(0))
                .collect();
            let want: Vec<i64> = (0..=TOTAL as i64 / PAGE as i64)
                .map(|p| p * PAGE as i64)
                .collect();
            // An expired session answers 200 with an error envelope: its retry repeats the offset.
            let mut dedup = offsets.clone();
            dedup.dedup();
            assert_eq!(dedup, want, "{what}: {offsets:?}");
            if c.transport() == TransportKind::WebSession {
                let logins = reqs
                    .iter()
                    .filter(|r| r.path == "/web/session/authenticate")
                    .count();
                assert_eq!(logins, 2, "{what}: one login per expiry");
            }
        }
    }
}

#[tokio::test]
async fn more_consecutive_faults_than_attempts_end_the_stream_with_a_typed_error() {
    let fake = FakeOdoo::builder(OdooVersion::V18).seed_demo(false).start();
    fake.seed_many("res.partner", 30, |i| json!({"name": format!("P{i}")}));
    for c in every_transport(&fake, None).await {
        let what = format!("via {}", c.transport());
        fake.faults().clear();
        fake.clear_requests();
        let mut pages = Box::pin(c.search_read::<Partner>(()).pages(10));
        assert_eq!(pages.next().await.unwrap().unwrap().len(), 10, "{what}");
        fake.faults().status(MAX_ATTEMPTS as usize, 503, Some(0));
        let e = pages.next().await.unwrap().unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {e:?}");
        assert_eq!(e.status(), Some(503), "{what}");
        assert_eq!(
            (e.model(), e.method()),
            (Some("res.partner"), Some("search_read"))
        );
        assert!(pages.next().await.is_none(), "{what}: the stream ends");
        assert_eq!(
            of_method(&fake.requests(), "search_read").len(),
            1 + MAX_ATTEMPTS as usize,
            "{what}: bounded attempts"
        );
    }
}

#[tokio::test]
async fn an_answer_slower_than_the_timeout_is_a_typed_timeout_after_bounded_attempts() {
    const TIMEOUT: Duration = Duration::from_millis(200);
    const LATENCY: Duration = Duration::from_millis(700);
    for v in [OdooVersion::V16, OdooVersion::V19] {
        let fake = FakeOdoo::start(v);
        for c in every_transport(&fake, Some(TIMEOUT)).await {
            let what = format!("{v} via {}", c.transport());
            fake.faults().clear();
            fake.clear_requests();
            fake.faults().set_latency(LATENCY);

            let started = Instant::now();
            let e = c.model("res.partner").search_count(()).await.unwrap_err();
            let took = started.elapsed();
            assert!(e.is_transport() && e.is_timeout(), "{what}: {e:?}");
            assert_eq!(e.kind(), ErrorKind::Transport);
            assert_eq!(
                (e.model(), e.method()),
                (Some("res.partner"), Some("search_count"))
            );
            assert!(e.to_string().contains("timed out"), "{what}: {e}");
            let attempts = of_method(&fake.requests(), "search_count").len();
            assert!(
                (1..=MAX_ATTEMPTS as usize).contains(&attempts),
                "{what}: {attempts} attempts"
            );
            // Bounded in time as well: attempts × (timeout + the longest backoff).
            let bound =
                (TIMEOUT + Duration::from_millis(25)) * MAX_ATTEMPTS + Duration::from_millis(500);
            assert!(took < bound, "{what}: took {took:?}");

            // A create that times out is never sent again; the server stores it at most once.
            let name = format!("Slow create {what}");
            let e = c
                .model("res.partner")
                .create(&json!({ "name": name }))
                .await
                .unwrap_err();
            assert!(e.is_timeout(), "{what}: {e:?}");
            // Give the server the time to finish what it received.
            tokio::time::sleep(LATENCY + Duration::from_millis(300)).await;
            assert_eq!(
                of_method(&fake.requests(), "create").len(),
                1,
                "{what}: sent once"
            );
            assert!(named(&fake, &name) <= 1, "{what}: never stored twice");

            // Once the server is quick again the same client works.
            fake.faults().clear();
            assert!(c.model("res.partner").search_count(()).await.unwrap() > 0);
        }
    }
}

#[tokio::test]
async fn a_create_hit_by_any_fault_reaches_the_server_at_most_once() {
    type Inject = fn(&FakeOdoo) -> &Faults;
    let faults: [(&str, Inject, ErrorKind, usize); 8] = [
        (
            "drop",
            |f| f.faults().drop_connections(1),
            ErrorKind::Transport,
            0,
        ),
        // The server stored the record, then the answer was cut: stored once.
        (
            "cut mid-body",
            |f| f.faults().truncate_responses(1),
            ErrorKind::Transport,
            1,
        ),
        // The server stored the record, then answered 200 with cut JSON: stored once.
        (
            "well-framed cut JSON",
            |f| f.faults().malformed_json(1),
            ErrorKind::Protocol,
            1,
        ),
        (
            "html 502",
            |f| f.faults().html_502(1),
            ErrorKind::Protocol,
            0,
        ),
        (
            "429 Retry-After",
            |f| f.faults().status(1, 429, Some(0)),
            ErrorKind::Protocol,
            0,
        ),
        (
            "503 Retry-After",
            |f| f.faults().status(1, 503, Some(1)),
            ErrorKind::Protocol,
            0,
        ),
        (
            "504",
            |f| f.faults().status(1, 504, None),
            ErrorKind::Protocol,
            0,
        ),
        (
            "502 twice",
            |f| f.faults().status(2, 502, None),
            ErrorKind::Protocol,
            0,
        ),
    ];
    for v in [OdooVersion::V17, OdooVersion::V19] {
        let fake = FakeOdoo::start(v);
        for c in every_transport(&fake, None).await {
            for (label, inject, kind, stored) in &faults {
                let what = format!("{v} via {}: {label}", c.transport());
                fake.faults().clear();
                fake.clear_requests();
                let name = format!("Once {what}");
                inject(&fake);
                let e = c
                    .model("res.partner")
                    .create(&json!({ "name": name }))
                    .await
                    .unwrap_err();
                assert_eq!(e.kind(), *kind, "{what}: {e:?}");
                assert_eq!(
                    (e.model(), e.method()),
                    (Some("res.partner"), Some("create"))
                );
                assert_eq!(
                    of_method(&fake.requests(), "create").len(),
                    1,
                    "{what}: sent exactly once"
                );
                assert_eq!(named(&fake, &name), *stored, "{what}");

                // Several records in one call: the same rule.
                fake.faults().clear();
                fake.clear_requests();
                inject(&fake);
                let batch = format!("Batch {what}");
                let e = c
                    .model("res.partner")
                    .create_many(&[json!({ "name": batch }), json!({ "name": batch })])
                    .await
                    .unwrap_err();
                assert_eq!(e.kind(), *kind, "{what}: {e:?}");
                assert_eq!(of_method(&fake.requests(), "create").len(), 1, "{what}");
                assert_eq!(named(&fake, &batch), 2 * *stored, "{what}");
            }
        }
    }
}

#[tokio::test]
async fn a_session_expiry_before_a_write_logs_in_again_and_writes_once() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        let c = connect(
            &fake,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
            None,
        )
        .await;
        let id = c
            .model("res.partner")
            .create(&json!({"name": "Before expiry"}))
            .await
            .unwrap();
        fake.expire_sessions();
        fake.clear_requests();
        assert!(
            c.model("res.partner")
                .write([id], &json!({"name": "After expiry"}))
                .await
                .unwrap()
        );
        let writes: Vec<u16> = of_method(&fake.requests(), "write")
            .iter()
            .map(|r| r.status)
            .collect();
        // The refused write (an error envelope, HTTP 200) and the one after the login.
        assert_eq!(writes.len(), 2, "{v}: {writes:?}");
        assert_eq!(named(&fake, "After expiry"), 1, "{v}");
        assert_eq!(named(&fake, "Before expiry"), 0, "{v}");

        // unlink after an expiry: exactly one record gone, no error for the retry.
        fake.expire_sessions();
        assert!(c.model("res.partner").unlink([id]).await.unwrap());
        assert_eq!(named(&fake, "After expiry"), 0, "{v}");
    }
}

#[tokio::test]
async fn a_well_framed_answer_with_cut_json_is_a_typed_error_and_paging_neither_skips_nor_repeats()
{
    const TOTAL: usize = 35;
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::builder(v).seed_demo(false).start();
        fake.seed_many(
            "res.partner",
            TOTAL,
            |i| json!({"name": format!("Cut {i:03}")}),
        );
        for c in every_transport(&fake, None).await {
            let what = format!("{v} via {}", c.transport());
            fake.faults().clear();
            c.model("res.partner").search_count(()).await.unwrap();
            // The typed read's access probes, made once per client, so the fault hits the read.
            c.search_read::<Partner>(()).limit(1).await.unwrap();
            fake.clear_requests();

            // A typed read hit by cut JSON: a typed error naming the call, with the start of
            // the body to look at; no panic, no partial list.
            fake.faults().malformed_json(1);
            let e = c.search_read::<Partner>(()).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {e:?}");
            assert_eq!(e.status(), Some(200), "{what}");
            assert_eq!(
                (e.model(), e.method()),
                (Some("res.partner"), Some("search_read"))
            );
            let excerpt = e.body_excerpt().unwrap_or_default();
            assert!(
                excerpt.contains("Cut 0") || excerpt.starts_with('{') || excerpt.starts_with('['),
                "{what}: {excerpt:?}"
            );
            assert_eq!(fake.faults().pending(), 0, "{what}: the fault was hit");
            // The untyped path says the same. (Not with `search_count`: JSON-2 answers a bare
            // number, and half of `35` is `3`, valid JSON that no client can tell from the truth.
            // Lists, objects and JSON-RPC envelopes cannot be cut into valid JSON.)
            fake.faults().malformed_json(1);
            let e = c.model("res.partner").search(()).await.unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {e:?}");

            // Paging: the page that got cut JSON fails; the caller resumes from the ids it has
            // (a fresh stream after the last id seen) and ends with every id exactly once.
            let mut seen: Vec<i64> = Vec::new();
            let mut errors = 0;
            let mut cut_before = 2;
            loop {
                let after = seen.last().copied().unwrap_or(0);
                let mut pages = Box::pin(
                    c.search_read::<Partner>(runtime::Domain::leaf("id", ">", after))
                        .order("id")
                        .pages(10),
                );
                let mut n = 0;
                let mut failed = false;
                while let Some(page) = pages.next().await {
                    match page {
                        Ok(page) => seen.extend(page.iter().map(Model::id)),
                        Err(e) => {
                            assert_eq!(e.kind(), ErrorKind::Protocol, "{what}: {e:?}");
                            errors += 1;
                            failed = true;
                            break;
                        }
                    }
                    n += 1;
                    if n == cut_before {
                        fake.faults().malformed_json(1);
                        cut_before = usize::MAX;
                    }
                }
                if !failed {
                    break;
                }
                assert!(errors <= 1, "{what}: one fault, one error");
            }
            assert_eq!(errors, 1, "{what}: the cut page surfaced as an error");
            assert_eq!(seen, partner_ids(&fake), "{what}: every id once, in order");
        }
    }
}
