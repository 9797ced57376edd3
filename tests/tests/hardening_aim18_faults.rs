//! Failure paths of the aiM18 client that the other aiM18 tests do not cover:
//! token expiry and 401s in the middle of paging a search (refresh once and
//! continue, no row skipped or repeated), proxy pages, dropped and cut
//! connections and 429/503 with `Retry-After` between pages, answers slower
//! than the timeout, and saves that reach the server at most once whatever
//! happens (records are counted on the fake).

mod aim18_support;

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use aim18_support::*;
use futures_util::StreamExt;
use runtime::ErrorKind;
use runtime::aim18::{Aim18Client, PathFamily, SearchQuery, SqlEntity};
use runtime::http::RetryPolicy;
use tests::aim18::FakeAim18;

const ROWS: i64 = 250;
const PAGE: u64 = 20;

fn searches(fake: &FakeAim18) -> Vec<tests::aim18::RecordedRequest> {
    fake.requests()
        .into_iter()
        .filter(|r| r.path == "/jsf/rfws/search/search")
        .collect()
}

fn saves(fake: &FakeAim18) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.contains("/save/"))
        .count()
}

/// What to break before fetching page `n` (1-based).
fn break_before_page(fake: &FakeAim18, n: usize) -> &'static str {
    let f = fake.faults();
    match n {
        2 => {
            fake.expire_all_tokens();
            "every access token expired"
        }
        3 => {
            f.unauthorized(1);
            "one 401"
        }
        4 => {
            f.html_502(1);
            "proxy 502 page"
        }
        5 => {
            f.drop_connections(1);
            "connection closed without an answer"
        }
        6 => {
            f.truncate_responses(1);
            "answer cut mid-body"
        }
        7 => {
            // Asks for an hour; the test policy caps the wait at 50 ms.
            f.status(1, 503, Some(3600));
            "503 with Retry-After: 3600"
        }
        8 => {
            f.status(1, 429, Some(0));
            "429 with Retry-After: 0"
        }
        9 => {
            fake.expire_all_tokens();
            f.html_502(1);
            "a 502, then an expired token"
        }
        10 => {
            fake.revoke_all_tokens();
            "tokens revoked: the refresh is refused, the password grant runs"
        }
        _ => "nothing",
    }
}

async fn client(fake: &FakeAim18, timeout: Option<Duration>) -> Aim18Client {
    let mut b = Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .retry_policy(
            RetryPolicy::new()
                .max_attempts(3)
                .initial_backoff(Duration::from_millis(5))
                .max_backoff(Duration::from_millis(20))
                .max_retry_after(Duration::from_millis(50)),
        );
    if let Some(t) = timeout {
        b = b.timeout(t);
    }
    b.connect().await.unwrap()
}

#[tokio::test]
async fn search_paging_survives_token_expiry_and_faults_without_gaps_or_repeats() {
    let fake = fake_with(&[]).start();
    let c = client(&fake, None).await;
    let before = fake.token_requests();
    let search = c.search(SearchQuery::new("cus").be_id(1));
    let mut pages = Box::pin(search.pages(PAGE));
    let mut ids = Vec::new();
    let mut starts = Vec::new();
    let mut injected = Vec::new();
    let mut n = 0;
    while let Some(page) = pages.next().await {
        let page = page.unwrap_or_else(|e| panic!("page {} after {injected:?}: {e:?}", n + 1));
        starts.push(page.start_row);
        ids.extend(page.rows.iter().map(|r| r["id"].as_i64().unwrap()));
        n += 1;
        assert!(n <= (ROWS as usize) / PAGE as usize + 2, "runaway stream");
        injected.push(break_before_page(&fake, n + 1));
    }
    assert_eq!(
        ids,
        (1..=ROWS).collect::<Vec<_>>(),
        "each row once, in order"
    );
    assert_eq!(
        starts,
        (0..=(ROWS as u64 - 1) / PAGE)
            .map(|p| p * PAGE + 1)
            .collect::<Vec<_>>()
    );
    assert_eq!(fake.faults().pending(), 0, "every fault was hit");

    // Token traffic: one refresh per expiry and per 401; the revoked tokens
    // cost one refused refresh and one password grant.
    let after = fake.token_requests();
    assert_eq!(after.refresh_token - before.refresh_token, 4, "{after:?}");
    assert_eq!(after.password - before.password, 1, "{after:?}");

    // The windows that were answered with rows follow each other.
    let answered: Vec<String> = searches(&fake)
        .iter()
        .filter(|r| r.status == 200 && r.fault.is_none())
        .filter_map(|r| r.query_param("startRow"))
        .collect();
    let mut windows = answered.clone();
    windows.dedup();
    assert_eq!(windows.len(), starts.len(), "{answered:?}");
}

#[tokio::test]
async fn more_faults_than_attempts_end_the_search_with_a_typed_error() {
    let fake = fake_with(&[]).start();
    let c = client(&fake, None).await;
    let search = c.search(SearchQuery::new("cus").be_id(1));
    let mut pages = Box::pin(search.pages(PAGE));
    pages.next().await.unwrap().unwrap();

    fake.faults().html_502(3);
    let e = pages.next().await.unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert_eq!(e.status(), Some(502));
    assert_eq!((e.model(), e.method()), (Some("cus"), Some("search")));
    assert!(
        pages.next().await.is_none(),
        "the stream ends after an error"
    );

    // A well-framed answer whose JSON is cut short: a typed protocol error.
    let mut pages = Box::pin(search.pages(PAGE));
    pages.next().await.unwrap().unwrap();
    fake.faults().malformed_json(1);
    let e = pages.next().await.unwrap().unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert_eq!(e.status(), Some(200));
    assert!(e.to_string().contains("not JSON"), "{e}");
    assert!(pages.next().await.is_none());

    // A token endpoint that is down during the refresh: typed, and the
    // next call refreshes and works. (`unauthorized` applies to the service
    // call only, so the queued 503 lands on the token request.)
    fake.expire_all_tokens();
    fake.faults().unauthorized(1);
    fake.faults().status(1, 503, Some(0));
    let e = search.page(1, 5).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Protocol, "{e:?}");
    assert_eq!(e.status(), Some(503));
    assert_eq!(fake.faults().pending(), 0);
    assert_eq!(search.page(1, 5).await.unwrap().rows.len(), 5);
}

#[tokio::test]
async fn a_slow_answer_is_a_typed_timeout_and_a_slow_save_is_not_repeated() {
    const TIMEOUT: Duration = Duration::from_millis(200);
    const LATENCY: Duration = Duration::from_millis(700);
    let fake = fake_with(&[]).start();
    let c = client(&fake, Some(TIMEOUT)).await;
    let template = c.create_template("cus", "cus").await.unwrap();
    fake.faults().set_latency(LATENCY);

    let reads_before = fake.request_count();
    let started = Instant::now();
    let e = c.read("cus", "cus", 1).await.unwrap_err();
    let took = started.elapsed();
    assert!(e.is_transport() && e.is_timeout(), "{e:?}");
    assert_eq!((e.model(), e.method()), (Some("cus"), Some("read")));
    let attempts = fake.request_count() - reads_before;
    assert!((1..=3).contains(&attempts), "{attempts} attempts");
    assert!(took < Duration::from_secs(2), "took {took:?}");

    let mut entity = template.clone();
    entity.main_mut().unwrap().set(0, "code", "SLOW1");
    entity.main_mut().unwrap().set(0, "desc_en", "Slow save");
    let before = saves(&fake);
    let e = c.save("cus", "cus", &entity).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    tokio::time::sleep(LATENCY + Duration::from_millis(300)).await;
    assert_eq!(saves(&fake) - before, 1, "sent once");
    let stored = fake
        .entities("cus")
        .iter()
        .filter(|r| r.code() == "SLOW1")
        .count();
    assert!(stored <= 1, "stored {stored} times");

    fake.faults().clear();
    assert_eq!(c.read("cus", "cus", 1).await.unwrap().id(), Some(1));
}

fn new_customer(template: &SqlEntity, code: &str) -> SqlEntity {
    let mut e = template.clone();
    e.main_mut().unwrap().set(0, "code", code);
    e.main_mut()
        .unwrap()
        .set(0, "desc_en", format!("Customer {code}"));
    e
}

fn stored(fake: &FakeAim18, code: &str) -> usize {
    fake.entities("cus")
        .iter()
        .filter(|r| r.code() == code)
        .count()
}

#[tokio::test]
async fn a_save_hit_by_any_fault_reaches_the_server_at_most_once() {
    type Inject = fn(&FakeAim18);
    // label, fault, error kind (None: the save succeeds), requests sent, records stored
    let cases: [(&str, Inject, Option<ErrorKind>, usize, usize); 8] = [
        (
            "drop",
            |f| {
                f.faults().drop_connections(1);
            },
            Some(ErrorKind::Transport),
            1,
            0,
        ),
        (
            "cut mid-body (stored, answer lost)",
            |f| {
                f.faults().truncate_responses(1);
            },
            Some(ErrorKind::Transport),
            1,
            1,
        ),
        (
            "html 502",
            |f| {
                f.faults().html_502(1);
            },
            Some(ErrorKind::Protocol),
            1,
            0,
        ),
        (
            "429 Retry-After",
            |f| {
                f.faults().status(1, 429, Some(0));
            },
            Some(ErrorKind::Protocol),
            1,
            0,
        ),
        (
            "503 Retry-After",
            |f| {
                f.faults().status(1, 503, Some(1));
            },
            Some(ErrorKind::Protocol),
            1,
            0,
        ),
        (
            "200 with JSON cut short (answered by a proxy)",
            |f| {
                f.faults().malformed_json(1);
            },
            Some(ErrorKind::Protocol),
            1,
            0,
        ),
        (
            "401 twice: refused before running, then refused again",
            |f| {
                f.faults().unauthorized(2);
            },
            Some(ErrorKind::Authentication),
            2,
            0,
        ),
        (
            "expired token: refused before running",
            |f| f.expire_all_tokens(),
            None,
            2,
            1,
        ),
    ];
    for family in [PathFamily::Entity, PathFamily::RootApi] {
        let fake = fake_with(&[]).start();
        let c = connect(&fake, family).await;
        let template = c.create_template("cus", "cus").await.unwrap();
        for (i, (label, inject, kind, sent, kept)) in cases.iter().enumerate() {
            let what = format!("{family:?}: {label}");
            fake.faults().clear();
            let code = format!("F{i}{}", family as u8);
            let before = saves(&fake);
            inject(&fake);
            let outcome = c.save("cus", "cus", &new_customer(&template, &code)).await;
            match kind {
                // A 401 means the save did not run: refreshed, sent again, stored once.
                None => {
                    let saved = outcome.unwrap_or_else(|e| panic!("{what}: {e:?}"));
                    assert!(saved.record_id.is_some(), "{what}");
                }
                Some(kind) => {
                    let e = outcome.unwrap_err();
                    assert_eq!(e.kind(), *kind, "{what}: {e:?}");
                    assert_eq!((e.model(), e.method()), (Some("cus"), Some("save")));
                }
            }
            assert_eq!(saves(&fake) - before, *sent, "{what}: requests sent");
            assert_eq!(stored(&fake, &code), *kept, "{what}: records stored");
        }
    }
}

#[tokio::test]
async fn a_delete_is_not_repeated_and_a_401_on_it_retries_once() {
    let fake = fake_with(&[]).start();
    let c = connect(&fake, PathFamily::Entity).await;
    let deletes = |fake: &FakeAim18| {
        fake.requests()
            .iter()
            .filter(|r| r.path.contains("/delete/"))
            .count()
    };
    let ids: BTreeSet<i64> = fake.entities("po").iter().map(|r| r.id).collect();
    let mut ids = ids.into_iter();

    fake.faults().status(1, 503, Some(0));
    let id = ids.next().unwrap();
    assert!(c.delete("po", "po", id).await.unwrap_err().is_protocol());
    assert_eq!(deletes(&fake), 1);

    fake.faults().drop_connections(1);
    assert!(c.delete("po", "po", id).await.unwrap_err().is_transport());
    assert_eq!(deletes(&fake), 2);

    fake.faults().unauthorized(1);
    c.delete("po", "po", id).await.unwrap();
    assert_eq!(deletes(&fake), 4, "the refused delete and its one retry");
    assert!(fake.entities("po").iter().all(|r| r.id != id));
}
