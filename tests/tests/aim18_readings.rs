//! The nine points aiM18's documentation leaves open (issue 19): for each,
//! the client against the fake playing the reading it first played and
//! against every alternative reading (`tests::aim18::Readings`).

mod aim18_support;

use aim18_support::*;
use futures_util::TryStreamExt as _;
use runtime::ErrorKind;
use runtime::aim18::{
    Aim18Client, Aim18ClientBuilder, Aim18ErrorExt, Aim18Fault, AuthorizationRequest, CellValue,
    ClassType, MsgType, Operation, PathFamily, SearchQuery, Service, SqlEntity,
};
use serde_json::{Value, json};
use tests::aim18::{
    CheckMsgForm, ExpiredToken, FakeAim18, ImplicitTokenIn, Op, RedirectState, RefreshRedirectUri,
    RefreshRefusal, RightsRefusal, SaveAnswer, SearchSize, UnconfirmedPaths,
};

fn builder(fake: &FakeAim18) -> Aim18ClientBuilder {
    Aim18Client::builder(fake.url())
        .client_id(APP)
        .client_secret(SECRET)
        .password_grant(USER, PASSWORD)
        .retry_policy(fast_retries())
}

fn count(fake: &FakeAim18, prefix: &str) -> usize {
    fake.requests()
        .iter()
        .filter(|r| r.path.starts_with(prefix))
        .count()
}

const READ: &str = "/jsf/rfws/entity/read/";

// ------------------------------------------------------------ 1. expired token

const EXPIRED_FORMS: [ExpiredToken; 3] = [
    ExpiredToken::Unauthorized401,
    ExpiredToken::BadRequest400,
    ExpiredToken::Forbidden403,
];

#[tokio::test]
async fn p1_an_expired_token_in_any_form_refreshes_once_and_retries_once() {
    for form in EXPIRED_FORMS {
        let fake = fake_with(&[]).expired_token(form).omit_expires_in().start();
        let client = connect(&fake, PathFamily::Entity).await;
        fake.expire_all_tokens();
        let e = client.read("cus", "cus", 7).await.unwrap();
        assert_eq!(e.id(), Some(7), "{form:?}");
        assert_eq!(fake.token_requests().refresh_token, 1, "{form:?}");
        assert_eq!(
            count(&fake, READ),
            2,
            "{form:?}: refused read and its retry"
        );
    }
}

#[tokio::test]
async fn p1_a_token_refused_again_after_renewal_is_an_error_not_a_loop() {
    for form in EXPIRED_FORMS {
        let fake = fake_with(&[]).expired_token(form).start();
        let client = connect(&fake, PathFamily::Entity).await;
        fake.faults().unauthorized(10);
        let e = client.read("cus", "cus", 7).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Authentication, "{form:?}: {e}");
        assert_eq!(count(&fake, READ), 2, "{form:?}: one retry only");
        assert_eq!(fake.token_requests().refresh_token, 1, "{form:?}");
    }
}

#[tokio::test]
async fn p1_a_rights_refusal_stays_a_rights_error_and_refreshes_nothing() {
    // Under the 403 reading too, a 403 that does not speak of the token is rights.
    for form in EXPIRED_FORMS {
        let fake = fake_with(&[])
            .expired_token(form)
            .grant_right(USER, "cus", &[Op::Read])
            .start();
        let client = connect(&fake, PathFamily::Entity).await;
        let e = client.delete("cus", "cus", 1).await.unwrap_err();
        assert_eq!(e.forbidden(), Some(("cus", Operation::Delete)), "{form:?}");
        assert_eq!(fake.token_requests().refresh_token, 0, "{form:?}");
        assert_eq!(fake.token_requests().password, 1, "{form:?}");
    }
}

#[test]
fn p1_the_recognised_words_are_one_documented_list() {
    use runtime::aim18::{TOKEN_INVALID_PHRASES, says_token_invalid};
    assert!(TOKEN_INVALID_PHRASES.contains(&"invalid_token"));
    assert!(says_token_invalid("Access token expired: abc"));
    assert!(says_token_invalid("Invalid access token"));
    assert!(says_token_invalid("invalid_token"));
    assert!(!says_token_invalid("No delete right on module cus"));
    assert!(!says_token_invalid("code is required"));
}

// ------------------------------------------------------------ 2. refused refresh

const REFUSALS: [RefreshRefusal; 4] = [
    RefreshRefusal::OAuthJson,
    RefreshRefusal::HtmlPage,
    RefreshRefusal::PlainText,
    RefreshRefusal::ErrorInfo400,
];

#[tokio::test]
async fn p2_a_refused_refresh_in_any_shape_falls_back_to_the_password() {
    for form in REFUSALS {
        let fake = fake_with(&[]).refresh_refusal(form).start();
        let client = connect(&fake, PathFamily::Entity).await;
        fake.revoke_all_tokens();
        let e = client.read("cus", "cus", 3).await.unwrap();
        assert_eq!(e.id(), Some(3), "{form:?}");
        let t = fake.token_requests();
        assert_eq!((t.refresh_token, t.password), (1, 2), "{form:?}");
    }
}

#[tokio::test]
async fn p2_without_a_password_a_refused_refresh_asks_for_reauthorization() {
    for form in REFUSALS {
        let fake = fake_with(&[]).refresh_refusal(form).start();
        let tokens = connect(&fake, PathFamily::Entity)
            .await
            .tokens()
            .await
            .unwrap();
        let client = Aim18Client::builder(fake.url())
            .client_id(APP)
            .client_secret(SECRET)
            .tokens(tokens)
            .connect()
            .await
            .unwrap();
        fake.revoke_all_tokens();
        let e = client.read("cus", "cus", 3).await.unwrap_err();
        assert!(e.needs_reauthorization(), "{form:?}: {e}");
        assert_eq!(e.kind(), ErrorKind::SessionExpired, "{form:?}");
        assert_eq!(fake.token_requests().refresh_token, 1, "{form:?}");
    }
}

#[tokio::test]
async fn p2_a_server_error_on_refresh_is_trouble_not_a_refusal() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    fake.expire_all_tokens();
    // The read's 401 goes through; the refresh meets a proxy's 502.
    fake.faults().unauthorized(1).status(1, 502, None);
    let e = client.read("cus", "cus", 3).await.unwrap_err();
    assert!(!e.needs_reauthorization(), "{e}");
    assert_eq!(
        fake.token_requests().password,
        1,
        "no password grant on a 502"
    );
}

// ------------------------------------------------------------ 3. state

#[tokio::test]
async fn p3_state_is_checked_when_present_and_its_absence_needs_consent() {
    // Current reading: state comes back and is checked.
    let fake = fake_with(&[]).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    assert!(request.url().as_str().contains("state="));
    let location = entry_redirect(request.url().as_str()).await;
    assert!(location.contains("state="));
    request.code_from_redirect(&location).unwrap();

    // Alternative: the server drops state.
    let fake = fake_with(&[]).redirect_state(RedirectState::Omit).start();
    let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
    let location = entry_redirect(request.url().as_str()).await;
    assert!(!location.contains("state="), "{location}");
    let e = request.code_from_redirect(&location).unwrap_err();
    assert!(
        matches!(e.aim18_fault(), Some(Aim18Fault::StateMissing)),
        "{e}"
    );
    assert!(e.to_string().contains("allow_missing_state"), "{e}");
    let lenient = request.clone().allow_missing_state(true);
    let code = lenient.code_from_redirect(&location).unwrap();
    let tokens = lenient
        .exchange(&runtime::aim18::ClientSecret::new(SECRET), code, "")
        .await
        .unwrap();
    assert_eq!(tokens.redirect_uri(), Some(REDIRECT));
    // A wrong state is refused even when a missing one is allowed.
    let forged = format!("{REDIRECT}?code=abc&state=forged");
    let e = lenient.code_from_redirect(&forged).unwrap_err();
    assert!(matches!(e.aim18_fault(), Some(Aim18Fault::StateMismatch)));
}

#[tokio::test]
async fn p3_the_implicit_token_is_read_from_the_fragment_or_the_query() {
    for place in [ImplicitTokenIn::Fragment, ImplicitTokenIn::Query] {
        let fake = fake_with(&[]).implicit_token_in(place).start();
        let request = AuthorizationRequest::implicit(&fake.url(), APP, REDIRECT).unwrap();
        let location = entry_redirect(request.url().as_str()).await;
        assert_eq!(
            location.contains('#'),
            place == ImplicitTokenIn::Fragment,
            "{location}"
        );
        let tokens = request.token_from_redirect(&location).unwrap();
        let client = Aim18Client::builder(fake.url())
            .client_id(APP)
            .tokens(tokens)
            .connect()
            .await
            .unwrap();
        client.read("cus", "cus", 1).await.unwrap();
    }
}

// ------------------------------------------------------------ 4. unconfirmed paths

#[tokio::test]
async fn p4_unconfirmed_paths_can_be_overridden_and_their_404_says_so() {
    // Current reading: the guessed paths exist.
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    client.delete("po", "po", 1).await.unwrap();
    assert_eq!(client.id_by_code("cus", "cus", "C0002").await.unwrap(), 2);

    // Alternative: they are elsewhere.
    let fake = fake_with(&[])
        .unconfirmed_paths(UnconfirmedPaths::Elsewhere)
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    client.read("po", "po", 1).await.unwrap();
    let e = client.delete("po", "po", 1).await.unwrap_err();
    assert_eq!(e.kind(), ErrorKind::NotFound, "{e}");
    let text = e.to_string();
    assert!(text.contains("No official aiM18 page confirms"), "{text}");
    assert!(text.contains("service_path(Service::Delete"), "{text}");
    let e = client.id_by_code("cus", "cus", "C0002").await.unwrap_err();
    assert!(e.to_string().contains("Service::IdByCode"), "{e}");

    let moved = builder(&fake)
        .service_path(Service::Delete, "jsf/rfws/alt/entity/delete/{module}")
        .service_path(
            Service::IdByCode,
            "/jsf/rfws/alt/entity/getIdByCode/{module}/",
        )
        .connect()
        .await
        .unwrap();
    moved.delete("po", "po", 1).await.unwrap();
    assert_eq!(moved.id_by_code("cus", "cus", "C0002").await.unwrap(), 2);
    assert_eq!(fake.entities("po").len(), 9);
    // An override that is wrong too says it was the caller's path.
    let wrong = builder(&fake)
        .service_path(Service::Delete, "jsf/rfws/nowhere/{module}")
        .connect()
        .await
        .unwrap();
    let e = wrong.delete("po", "po", 2).await.unwrap_err();
    assert!(
        e.to_string().contains("the path set with service_path"),
        "{e}"
    );
    assert!(!Service::Delete.is_confirmed(PathFamily::Entity));
    assert!(Service::Read.is_confirmed(PathFamily::RootApi));
}

// ------------------------------------------------------------ 5. save answers

async fn new_customer(client: &Aim18Client, code: &str) -> SqlEntity {
    let mut cus = client.create_template("cus", "cus").await.unwrap();
    let main = cus.main_mut().unwrap();
    main.set(0, "code", code);
    main.set(0, "desc_en", "Saved");
    main.set(0, "beId", 1);
    cus
}

#[tokio::test]
async fn p5_every_public_save_answer_gives_the_id() {
    for (n, form) in [
        SaveAnswer::RecordId,
        SaveAnswer::Id,
        SaveAnswer::TranId,
        SaveAnswer::BareNumber,
        SaveAnswer::Entity,
    ]
    .into_iter()
    .enumerate()
    {
        let fake = fake_with(&[]).save_answer(form).start();
        let client = connect(&fake, PathFamily::Entity).await;
        let cus = new_customer(&client, &format!("S{n}")).await;
        let saved = client.save("cus", "cus", &cus).await.unwrap();
        let stored = fake.entities("cus").last().unwrap().id;
        assert_eq!(saved.record_id, Some(stored), "{form:?}");
    }
}

#[tokio::test]
async fn p5_a_create_whose_answer_names_no_id_is_an_error_showing_the_body() {
    let fake = fake_with(&[]).save_answer(SaveAnswer::NoId).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let cus = new_customer(&client, "NOID").await;
    let e = client.save("cus", "cus", &cus).await.unwrap_err();
    assert!(e.is_protocol(), "{e}");
    assert!(
        e.body_excerpt().unwrap().contains("\"status\":true"),
        "{e:?}"
    );
    // An update knows its id already.
    let mut c = client.read("cus", "cus", 2).await.unwrap();
    c.main_mut().unwrap().set(0, "tel", "1");
    assert_eq!(
        client.save("cus", "cus", &c).await.unwrap().record_id,
        Some(2)
    );
}

// ------------------------------------------------------------ 6. core_141019

#[tokio::test]
async fn p6_core_141019_says_missing_or_no_access() {
    // Current reading: rights are a 403, a missing record is core_141019.
    let fake = fake_with(&[]).grant_right(USER, "cus", &[Op::Read]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let e = client.read("po", "po", 1).await.unwrap_err();
    assert_eq!(e.forbidden(), Some(("po", Operation::Read)));
    let e = client.read("cus", "cus", 999_999).await.unwrap_err();
    assert!(e.is_missing() && e.maybe_no_access(), "{e}");
    assert!(
        e.to_string()
            .contains("does not exist, or this user has no right"),
        "{e}"
    );

    // Alternative: rights refusals come as core_141019 too.
    let fake = fake_with(&[])
        .grant_right(USER, "cus", &[Op::Read])
        .rights_refusal(RightsRefusal::NotFoundOrNoAccess)
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    let e = client.read("po", "po", 1).await.unwrap_err();
    assert!(e.is_missing() && e.maybe_no_access(), "{e}");
    assert_eq!(e.check_messages()[0].key, "core_141019");
}

// ------------------------------------------------------------ 7. paging

async fn all_ids(client: &Aim18Client, page: u64) -> (Vec<i64>, usize) {
    let pages: Vec<_> = client
        .search(SearchQuery::new("cus").be_id(1))
        .pages(page)
        .try_collect()
        .await
        .unwrap();
    let ids = pages
        .iter()
        .flat_map(|p| &p.rows)
        .map(|r| r["id"].as_i64().unwrap())
        .collect();
    (ids, pages.len())
}

#[tokio::test]
async fn p7_a_server_side_cap_does_not_cut_the_stream_when_size_says_more() {
    let expected: Vec<i64> = (1..=250).collect();
    // Current reading (size = rows returned), no cap.
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    assert_eq!(all_ids(&client, 100).await, (expected.clone(), 3));

    // Alternative: size counts every match and the server caps pages at 30.
    let fake = fake_with(&[])
        .search_size(SearchSize::TotalCount)
        .search_page_cap(30)
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    let (ids, pages) = all_ids(&client, 100).await;
    assert_eq!(ids, expected);
    assert_eq!(pages, 9, "250 rows in pages of 30");

    // A cap with size = rows returned cannot be detected: the short page ends it.
    let fake = fake_with(&[]).search_page_cap(30).start();
    let client = connect(&fake, PathFamily::Entity).await;
    assert_eq!(all_ids(&client, 100).await.0.len(), 30);
}

// ------------------------------------------------------------ 8. refresh with redirect_uri

#[tokio::test]
async fn p8_refresh_sends_the_code_grants_redirect_uri() {
    for form in [
        RefreshRedirectUri::NotRequired,
        RefreshRedirectUri::Required,
    ] {
        let fake = fake_with(&[]).refresh_redirect_uri(form).start();
        let request = AuthorizationRequest::new(&fake.url(), APP, REDIRECT).unwrap();
        let location = entry_redirect(request.url().as_str()).await;
        let code = request.code_from_redirect(&location).unwrap();
        let tokens = request
            .exchange(
                &runtime::aim18::ClientSecret::new(SECRET),
                code,
                request.state(),
            )
            .await
            .unwrap();
        let client = Aim18Client::builder(fake.url())
            .client_id(APP)
            .client_secret(SECRET)
            .tokens(tokens)
            .connect()
            .await
            .unwrap();
        client.refresh().await.unwrap();
        client.refresh().await.unwrap();
        let refreshes: Vec<_> = fake
            .requests()
            .into_iter()
            .filter(|r| r.query_param("grant_type").as_deref() == Some("refresh_token"))
            .collect();
        assert_eq!(refreshes.len(), 2, "{form:?}");
        for r in refreshes {
            assert_eq!(r.query_param("redirect_uri").as_deref(), Some(REDIRECT));
        }
    }
    // Password-grant tokens have no redirect_uri to send.
    let fake = fake_with(&[])
        .refresh_redirect_uri(RefreshRedirectUri::Required)
        .start();
    let client = connect(&fake, PathFamily::Entity).await;
    client.refresh().await.unwrap();
    let last = fake.requests().pop().unwrap();
    assert_eq!(last.query_param("redirect_uri"), None);
}

// ------------------------------------------------------------ 9. javaapi defaults

#[tokio::test]
async fn p9_terse_check_msgs_take_javaapis_defaults() {
    for form in [CheckMsgForm::Full, CheckMsgForm::Terse] {
        let fake = fake_with(&[]).check_msg_form(form).start();
        let client = connect(&fake, PathFamily::Entity).await;
        let mut cus = client.create_template("cus", "cus").await.unwrap();
        cus.main_mut().unwrap().set(0, "beId", 1);
        let e = client.save("cus", "cus", &cus).await.unwrap_err();
        assert!(e.is_validation(), "{form:?}: {e}");
        let m = &e.check_messages()[0];
        match form {
            CheckMsgForm::Full => assert_eq!((m.pass, &m.msg_type), (false, &MsgType::Error)),
            CheckMsgForm::Terse => assert_eq!((m.pass, &m.msg_type), (true, &MsgType::Info)),
        }
    }
}

#[tokio::test]
async fn p9_an_unknown_class_type_decodes_as_text() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let known = client.read("cus", "cus", 1).await.unwrap();
    let main = known.main().unwrap();
    assert_eq!(main.field("code").unwrap().class_type, ClassType::Str);

    let fake = fake_with(&[]).unknown_class_type(42).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let odd = client.read("cus", "cus", 1).await.unwrap();
    let main = odd.main().unwrap();
    assert_eq!(
        main.field("code").unwrap().class_type,
        ClassType::Unknown(42)
    );
    assert_eq!(
        main.cell(0, "code").unwrap(),
        Some(CellValue::Str("C0001".into()))
    );
    let v: Value = json!(12);
    assert_eq!(
        runtime::aim18::decode_cell(ClassType::Unknown(7), &v).unwrap(),
        Some(CellValue::Str("12".into()))
    );
}

#[tokio::test]
async fn java_sql_date_columns_are_class_type_21_as_in_javaapi() {
    let fake = fake_with(&[]).start();
    let client = connect(&fake, PathFamily::Entity).await;
    let so = client.create_template("oldso", "oldso").await.unwrap();
    let dated: Vec<_> = so
        .tables
        .values()
        .flat_map(|t| &t.fields)
        .filter(|f| f.field_class == "java.sql.Date")
        .collect();
    assert!(!dated.is_empty());
    assert!(dated.iter().all(|f| f.class_type == ClassType::DateTime));
}

#[tokio::test]
async fn p3_the_loopback_listener_follows_the_requests_state_setting() {
    use runtime::aim18::LoopbackListener;
    use std::time::Duration;
    for allow in [false, true] {
        let listener = LoopbackListener::bind(None, Duration::from_secs(20)).unwrap();
        let redirect = listener.redirect_uri();
        let fake = fake_with(&[&redirect])
            .redirect_state(RedirectState::Omit)
            .start();
        let request = AuthorizationRequest::new(&fake.url(), APP, &redirect)
            .unwrap()
            .allow_missing_state(allow);
        let url = request.url().to_string();
        let browser = tokio::spawn(async move { play_browser(&url).await });
        let outcome = listener.wait_for(&request).await;
        let seen = browser.await.unwrap();
        if allow {
            outcome.unwrap();
            assert_eq!(seen, "listener answered 200 OK");
        } else {
            let e = outcome.unwrap_err();
            assert!(
                matches!(e.aim18_fault(), Some(Aim18Fault::StateMissing)),
                "{e}"
            );
            assert_eq!(seen, "listener answered 400 Bad Request");
        }
    }
}
