//! The Odoo client against the fake Odoo server, on every version 16–19 and
//! every transport: connect, transport choice, database choice, version, each
//! ORM helper (untyped and typed), context merging, JSON-2's named arguments.

use std::time::Duration;

use runtime::http::RetryPolicy;
use runtime::odoo::{Context, OdooClient, TransportKind};
use runtime::{CreateValues, Domain, ErrorKind, Model, Secret, UpdateValues};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion, RecordedRequest};

#[derive(Debug, Deserialize, PartialEq)]
struct Partner {
    id: i64,
    name: String,
    is_company: bool,
}

impl Model for Partner {
    const MODEL: &'static str = "res.partner";
    const FIELDS: &'static [&'static str] = &["name", "is_company"];
    fn id(&self) -> i64 {
        self.id
    }
}

#[derive(Serialize)]
struct NewPartner {
    name: String,
    is_company: bool,
}

impl CreateValues for NewPartner {
    type Model = Partner;
}

#[derive(Serialize, Default)]
struct PartnerUpdate {
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
}

impl UpdateValues for PartnerUpdate {
    type Model = Partner;
}

fn fast_retries() -> RetryPolicy {
    RetryPolicy::new()
        .initial_backoff(Duration::from_millis(5))
        .max_backoff(Duration::from_millis(20))
}

async fn connect_with(
    fake: &FakeOdoo,
    secret: Secret,
    transport: Option<TransportKind>,
) -> OdooClient {
    let mut b = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .secret(secret)
        .retry_policy(fast_retries());
    if let Some(t) = transport {
        b = b.transport(t);
    }
    b.connect()
        .await
        .unwrap_or_else(|e| panic!("{} connect: {e}", fake.version()))
}

/// Every (secret, forced transport) combination that can work on `v`.
fn combos(v: OdooVersion) -> Vec<(Secret, Option<TransportKind>)> {
    let mut out = vec![
        (Secret::password(ADMIN_PASSWORD), None),
        (Secret::api_key(ADMIN_API_KEY), None),
        (
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
        ),
        (
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::JsonRpc),
        ),
    ];
    if v.has_json2() {
        out.push((Secret::api_key(ADMIN_API_KEY), Some(TransportKind::JsonRpc)));
    }
    out
}

/// The keyword arguments an ORM request carried, whatever the transport.
fn kwargs_of(r: &RecordedRequest) -> Value {
    if r.path == "/jsonrpc" {
        r.params["args"].get(6).cloned().unwrap_or(json!({}))
    } else if r.path.starts_with("/web/dataset/call_kw") {
        r.params["kwargs"].clone()
    } else {
        r.params.clone()
    }
}

fn last_call<'a>(reqs: &'a [RecordedRequest], method: &str) -> &'a RecordedRequest {
    reqs.iter()
        .rev()
        .find(|r| r.method.as_deref() == Some(method))
        .unwrap_or_else(|| panic!("no {method} request"))
}

#[tokio::test]
async fn connect_with_password_and_api_key_picks_the_transport_and_exposes_the_version() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        let pw = OdooClient::connect(
            fake.url(),
            fake.db(),
            "admin",
            Secret::password(ADMIN_PASSWORD),
        )
        .await
        .unwrap();
        let key = OdooClient::connect(
            fake.url(),
            fake.db(),
            "admin",
            Secret::api_key(ADMIN_API_KEY),
        )
        .await
        .unwrap();
        let (pw_t, key_t) = if v.has_json2() {
            (TransportKind::WebSession, TransportKind::Json2)
        } else {
            (TransportKind::JsonRpc, TransportKind::JsonRpc)
        };
        assert_eq!(pw.transport(), pw_t, "{v}");
        assert_eq!(key.transport(), key_t, "{v}");
        for c in [&pw, &key] {
            assert_eq!(c.uid(), Some(2), "{v}");
            assert_eq!(c.database(), fake.db());
            assert_eq!(c.login(), "admin");
            let sv = c.server_version();
            assert_eq!((sv.major, sv.minor), (v.major(), 0), "{v}");
            assert_eq!(sv.serie, v.as_str());
        }
        if v.has_json2() {
            // An API key on 19 never touches the deprecated /jsonrpc.
            fake.clear_requests();
            let key = OdooClient::connect(
                fake.url(),
                fake.db(),
                "admin",
                Secret::api_key(ADMIN_API_KEY),
            )
            .await
            .unwrap();
            key.model("res.partner").search_count(()).await.unwrap();
            let reqs = fake.requests();
            assert!(reqs.iter().all(|r| r.path != "/jsonrpc"), "{reqs:#?}");
            assert!(reqs.iter().any(|r| r.path == "/web/version"));
        }
    }
}

#[tokio::test]
async fn wrong_credentials_are_an_authentication_error_naming_url_db_and_login() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for secret in [
            Secret::password("wrong-password-123"),
            Secret::api_key("wrong-api-key-123"),
        ] {
            let e = OdooClient::connect(fake.url(), fake.db(), "admin", secret)
                .await
                .unwrap_err();
            assert_eq!(e.kind(), ErrorKind::Authentication, "{v}: {e:?}");
            assert!(e.is_authentication());
            let shown = e.to_string();
            assert!(shown.contains(&fake.url()), "{shown}");
            assert!(shown.contains(fake.db()), "{shown}");
            assert!(shown.contains("\"admin\""), "{shown}");
            let all = format!("{shown} {e:?} {:?}", std::error::Error::source(&e));
            assert!(
                !all.contains("wrong-password-123") && !all.contains("wrong-api-key-123"),
                "{all}"
            );
        }
        // Forced web session with a wrong password: the same error.
        let e = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .password("wrong-password-123")
            .transport(TransportKind::WebSession)
            .connect()
            .await
            .unwrap_err();
        assert!(e.is_authentication(), "{e:?}");
        assert!(e.to_string().contains(fake.db()));
    }
}

#[tokio::test]
async fn the_only_database_is_used_when_none_is_given() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for db in [None, Some("")] {
            let c = OdooClient::connect(fake.url(), db, "admin", Secret::password(ADMIN_PASSWORD))
                .await
                .unwrap();
            assert_eq!(c.database(), fake.db(), "{v}");
        }
        assert!(
            fake.requests()
                .iter()
                .any(|r| r.service.as_deref() == Some("db")
                    && r.service_method.as_deref() == Some("list"))
        );
    }
}

#[tokio::test]
async fn several_databases_and_no_choice_is_an_error_listing_them() {
    let fake = FakeOdoo::builder(OdooVersion::V18)
        .databases(vec!["erp18", "sales_archive", "staging"])
        .start();
    let e = OdooClient::builder(fake.url())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .connect()
        .await
        .unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Database, "{e:?}");
    let shown = e.to_string();
    for db in ["erp18", "sales_archive", "staging"] {
        assert!(shown.contains(db), "{shown}");
    }
    // Naming one works.
    let c = OdooClient::connect(
        fake.url(),
        "erp18",
        "admin",
        Secret::password(ADMIN_PASSWORD),
    )
    .await
    .unwrap();
    assert_eq!(c.database(), "erp18");
}

#[tokio::test]
async fn every_orm_helper_on_every_version_and_transport() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for (secret, transport) in combos(v) {
            let c = connect_with(&fake, secret, transport).await;
            let what = format!("{v} via {}", c.transport());
            let partners = c.model("res.partner");
            let companies = Domain::leaf("is_company", "=", true);

            let ids = partners
                .search(companies.clone())
                .order("name")
                .limit(5)
                .await
                .unwrap();
            assert_eq!(ids.len(), 5, "{what}");
            let kw = kwargs_of(last_call(&fake.requests(), "search"));
            assert_eq!(
                (kw["limit"].clone(), kw["order"].clone()),
                (json!(5), json!("name")),
                "{what}"
            );

            let count = partners.search_count(companies.clone()).await.unwrap();
            assert!(count >= 5, "{what}");

            let rows = partners
                .search_read(companies.clone())
                .fields(["name", "country_id"])
                .order("name")
                .offset(1)
                .limit(3)
                .await
                .unwrap();
            assert_eq!(rows.len(), 3, "{what}");
            assert!(
                rows.iter()
                    .all(|r| r.get("name").is_some() && r.get("country_id").is_some()),
                "{what}"
            );
            let kw = kwargs_of(last_call(&fake.requests(), "search_read"));
            assert_eq!(kw["fields"], json!(["name", "country_id"]), "{what}");
            assert_eq!(
                (kw["offset"].clone(), kw["limit"].clone()),
                (json!(1), json!(3)),
                "{what}"
            );
            // offset 1 is the second of the same ordering
            let all = partners
                .search_read(companies.clone())
                .fields(["name"])
                .order("name")
                .limit(4)
                .await
                .unwrap();
            assert_eq!(rows[0]["id"], all[1]["id"], "{what}");

            let read = partners.read(&ids[..2]).fields(["name"]).await.unwrap();
            assert_eq!(read.len(), 2, "{what}");
            assert!(
                partners
                    .read([999_999])
                    .fields(["name"])
                    .await
                    .unwrap()
                    .is_empty(),
                "{what}"
            );

            let one = partners
                .create(&json!({"name": "Created one"}))
                .await
                .unwrap();
            let many = partners
                .create_many(&[json!({"name": "Created A"}), json!({"name": "Created B"})])
                .await
                .unwrap();
            assert_eq!(many.len(), 2, "{what}");
            assert!(!many.contains(&one));
            let mut mine = many.clone();
            mine.push(one);
            assert!(
                partners
                    .write(&mine, &json!({"comment": "written"}))
                    .await
                    .unwrap(),
                "{what}"
            );
            let back = partners
                .read(&mine)
                .fields(["name", "comment"])
                .await
                .unwrap();
            assert!(
                back.iter().all(|r| r["comment"] == json!("written")),
                "{what}: {back:?}"
            );
            assert!(partners.unlink(&mine).await.unwrap(), "{what}");
            assert!(
                partners
                    .read(&mine)
                    .fields(["name"])
                    .await
                    .unwrap()
                    .is_empty(),
                "{what}"
            );

            let found = partners.name_search("Deco").limit(3).await.unwrap();
            assert!(found.len() <= 3, "{what}");
            let with_domain = partners
                .name_search("Deco")
                .domain(Domain::leaf("is_company", "=", true))
                .limit(3)
                .await
                .unwrap();
            assert!(with_domain.len() <= found.len().max(1), "{what}");

            let groups = c
                .model("sale.order")
                .read_group((), ["amount_total:sum"], ["state"])
                .lazy(false)
                .await
                .unwrap();
            assert!(!groups.is_empty(), "{what}");
            assert!(
                groups.iter().all(|g| g.get("state").is_some()),
                "{what}: {groups:?}"
            );

            let fields = partners
                .fields_get()
                .fields(["name", "country_id"])
                .attributes(["type", "relation"])
                .await
                .unwrap();
            assert_eq!(fields["country_id"]["type"], "many2one", "{what}");
            assert_eq!(fields["country_id"]["relation"], "res.country", "{what}");

            // execute_kw, typed or not, and call() for record methods.
            let n: u64 = c
                .execute_kw(
                    "res.partner",
                    "search_count",
                    vec![companies.clone().into_value()],
                    Value::Null,
                )
                .await
                .unwrap();
            assert_eq!(n, count, "{what}");
            let raw: Value = c
                .execute_kw(
                    "res.partner",
                    "search",
                    vec![companies.clone().into_value()],
                    json!({"limit": 2}),
                )
                .await
                .unwrap();
            assert_eq!(raw.as_array().map(Vec::len), Some(2), "{what}");
            let exists: Vec<i64> = c
                .call("res.partner", "exists", &ids[..1], json!({}))
                .await
                .unwrap();
            assert_eq!(exists, ids[..1].to_vec(), "{what}");
        }
    }
}

#[tokio::test]
async fn typed_helpers_ask_for_exactly_the_model_fields() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for (secret, transport) in combos(v) {
            let c = connect_with(&fake, secret, transport).await;
            let what = format!("{v} via {}", c.transport());
            let companies: Vec<Partner> = c
                .search_read::<Partner>(Domain::leaf("is_company", "=", true))
                .order("name")
                .limit(4)
                .await
                .unwrap();
            assert_eq!(companies.len(), 4, "{what}");
            assert!(companies.iter().all(|p| p.is_company), "{what}");
            let kw = kwargs_of(last_call(&fake.requests(), "search_read"));
            assert_eq!(kw["fields"], json!(Partner::FIELDS), "{what}");

            let ids: Vec<i64> = companies.iter().map(Model::id).collect();
            let again = c.read::<Partner>(&ids).await.unwrap();
            assert_eq!(again.len(), 4, "{what}");
            let kw = kwargs_of(last_call(&fake.requests(), "read"));
            assert_eq!(kw["fields"], json!(Partner::FIELDS), "{what}");

            assert_eq!(
                c.search_count::<Partner>(Domain::leaf("is_company", "=", true))
                    .await
                    .unwrap(),
                c.search::<Partner>(Domain::leaf("is_company", "=", true))
                    .await
                    .unwrap()
                    .len() as u64
            );

            let id = c
                .create(&NewPartner {
                    name: "Typed Co".into(),
                    is_company: true,
                })
                .await
                .unwrap();
            let more = c
                .create_many(&[
                    NewPartner {
                        name: "Typed A".into(),
                        is_company: false,
                    },
                    NewPartner {
                        name: "Typed B".into(),
                        is_company: false,
                    },
                ])
                .await
                .unwrap();
            assert_eq!(more.len(), 2);
            let update = PartnerUpdate {
                name: Some("Typed Renamed".into()),
            };
            assert!(c.write([id], &update).await.unwrap());
            let got = c.read::<Partner>([id]).await.unwrap();
            assert_eq!(
                got,
                vec![Partner {
                    id,
                    name: "Typed Renamed".into(),
                    is_company: true
                }],
                "{what}"
            );
            let mut all = more.clone();
            all.push(id);
            assert!(c.unlink::<Partner>(&all).await.unwrap());
            assert!(c.read::<Partner>(&all).await.unwrap().is_empty(), "{what}");

            // Untyped builders convert too.
            let typed: Vec<Partner> = c
                .model("res.partner")
                .search_read(Domain::leaf("is_company", "=", true))
                .fields(Partner::FIELDS)
                .limit(2)
                .into_typed::<Partner>()
                .await
                .unwrap();
            assert_eq!(typed.len(), 2);
        }
    }
}

#[tokio::test]
async fn context_is_set_on_the_client_and_merged_per_call() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        for (secret, transport) in combos(v) {
            let mut b = OdooClient::builder(fake.url())
                .database(fake.db())
                .login("admin")
                .secret(secret)
                .context(
                    Context::new()
                        .lang("fr_FR")
                        .tz("Europe/Brussels")
                        .allowed_company_ids([1]),
                );
            if let Some(t) = transport {
                b = b.transport(t);
            }
            let c = b.connect().await.unwrap();
            let what = format!("{v} via {}", c.transport());

            c.model("res.partner").search_count(()).await.unwrap();
            let sent = last_call(&fake.requests(), "search_count").context.clone();
            assert_eq!(
                sent,
                Some(json!({"lang": "fr_FR", "tz": "Europe/Brussels", "allowed_company_ids": [1]})),
                "{what}"
            );

            c.model("res.partner")
                .search_read(())
                .fields(["name"])
                .limit(1)
                .context(
                    Context::new()
                        .lang("en_US")
                        .active_test(false)
                        .with("custom_key", "x"),
                )
                .await
                .unwrap();
            let sent = last_call(&fake.requests(), "search_read").context.clone();
            assert_eq!(
                sent,
                Some(json!({
                    "lang": "en_US", "tz": "Europe/Brussels", "allowed_company_ids": [1],
                    "active_test": false, "custom_key": "x"
                })),
                "{what}"
            );

            // with_context derives a client; a context inside raw kwargs is the most specific.
            let c2 = c.with_context(&Context::new().tz("UTC"));
            let _: u64 = c2
                .execute_kw(
                    "res.partner",
                    "search_count",
                    vec![json!([])],
                    json!({"context": {"lang": "de_DE"}}),
                )
                .await
                .unwrap();
            let sent = last_call(&fake.requests(), "search_count").context.clone();
            assert_eq!(
                sent,
                Some(json!({"lang": "de_DE", "tz": "UTC", "allowed_company_ids": [1]})),
                "{what}"
            );
        }
    }
}

#[tokio::test]
async fn active_test_false_reaches_the_server() {
    let fake = FakeOdoo::start(OdooVersion::V17);
    let c = connect_with(&fake, Secret::password(ADMIN_PASSWORD), None).await;
    let id = c
        .model("res.partner")
        .create(&json!({"name": "Archived One"}))
        .await
        .unwrap();
    let _: bool = c
        .call("res.partner", "action_archive", [id], json!({}))
        .await
        .unwrap();
    let name = Domain::leaf("name", "=", "Archived One");
    assert_eq!(
        c.model("res.partner")
            .search_count(name.clone())
            .await
            .unwrap(),
        0
    );
    let with_archived = c
        .model("res.partner")
        .search_count(name)
        .context(Context::new().active_test(false))
        .await
        .unwrap();
    assert_eq!(with_archived, 1);
}

#[tokio::test]
async fn json2_sends_named_arguments_with_bearer_key_and_database() {
    let fake = FakeOdoo::start(OdooVersion::V19);
    let c = connect_with(&fake, Secret::api_key(ADMIN_API_KEY), None).await;
    assert_eq!(c.transport(), TransportKind::Json2);
    c.model("res.partner")
        .search_read(Domain::leaf("is_company", "=", true))
        .fields(["name"])
        .limit(2)
        .await
        .unwrap();
    let r = last_call(&fake.requests(), "search_read").clone();
    assert_eq!(r.path, "/json/2/res.partner/search_read");
    assert_eq!(
        r.params,
        json!({"domain": [["is_company", "=", true]], "fields": ["name"], "limit": 2})
    );

    c.model("res.partner")
        .write([1], &json!({"comment": "x"}))
        .await
        .unwrap();
    let r = last_call(&fake.requests(), "write").clone();
    assert_eq!(r.params, json!({"ids": [1], "vals": {"comment": "x"}}));

    // A method JSON-2 cannot name positional arguments for: refused before sending.
    let before = fake.request_count();
    let e = c
        .execute_kw::<Value>(
            "res.partner",
            "message_post",
            vec![json!([1]), json!("hello")],
            Value::Null,
        )
        .await
        .unwrap_err();
    assert!(e.is_config(), "{e:?}");
    assert_eq!(e.model(), Some("res.partner"));
    assert!(e.to_string().contains("keyword"), "{e}");
    assert_eq!(fake.request_count(), before);
}

#[tokio::test]
async fn impossible_transport_overrides_are_refused_at_connect() {
    let fake = FakeOdoo::start(OdooVersion::V19);
    let e = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .api_key(ADMIN_API_KEY)
        .transport(TransportKind::WebSession)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_config() && e.to_string().contains("API key"), "{e}");
    let e = OdooClient::builder(fake.url())
        .database(fake.db())
        .login("admin")
        .password(ADMIN_PASSWORD)
        .transport(TransportKind::Json2)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_config(), "{e}");
    let old = FakeOdoo::start(OdooVersion::V18);
    let e = OdooClient::builder(old.url())
        .database(old.db())
        .login("admin")
        .api_key(ADMIN_API_KEY)
        .transport(TransportKind::Json2)
        .connect()
        .await
        .unwrap_err();
    assert!(e.is_config() && e.to_string().contains("19"), "{e}");
}

#[tokio::test]
async fn plain_http_is_refused_for_remote_hosts_and_allowed_on_loopback() {
    for url in ["http://erp.example.com", "http://10.1.2.3:8069"] {
        let e = OdooClient::connect(url, "db", "admin", Secret::password("pw-remote-1"))
            .await
            .unwrap_err();
        assert!(e.is_config(), "{e:?}");
        assert!(e.to_string().contains("allow_insecure_http"), "{e}");
    }
    let fake = FakeOdoo::start(OdooVersion::V16);
    let localhost = fake.url().replace("127.0.0.1", "localhost");
    let c = OdooClient::connect(
        localhost,
        fake.db(),
        "admin",
        Secret::password(ADMIN_PASSWORD),
    )
    .await
    .unwrap();
    assert_eq!(c.uid(), Some(2));
    let e = OdooClient::connect(
        "https://user:pw-in-url@erp.example.com",
        "db",
        "admin",
        Secret::password("x"),
    )
    .await
    .unwrap_err();
    assert!(e.is_config() && !format!("{e} {e:?}").contains("pw-in-url"));
}

#[test]
fn clients_and_errors_are_send_and_sync() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<OdooClient>();
    send_sync::<runtime::Error>();
    send_sync::<runtime::blocking::OdooClient>();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn calls_and_page_streams_can_be_spawned() {
    use futures_util::TryStreamExt;
    let fake = FakeOdoo::start(OdooVersion::V19);
    let c = connect_with(&fake, Secret::api_key(ADMIN_API_KEY), None).await;
    let tasks: Vec<_> = (0..4)
        .map(|_| {
            let c = c.clone();
            tokio::spawn(async move { c.model("res.partner").search_count(()).await })
        })
        .collect();
    for t in tasks {
        assert!(t.await.unwrap().unwrap() > 0);
    }
    let c2 = c.clone();
    let n = tokio::spawn(async move {
        let pages: Vec<Vec<Partner>> = c2
            .search_read::<Partner>(())
            .pages(10)
            .try_collect()
            .await?;
        Ok::<_, runtime::Error>(pages.into_iter().map(|p| p.len()).sum::<usize>())
    })
    .await
    .unwrap()
    .unwrap();
    assert_eq!(
        n as u64,
        c.model("res.partner").search_count(()).await.unwrap()
    );
}
