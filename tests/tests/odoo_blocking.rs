//! The blocking facade (`runtime::blocking::OdooClient`): same calls, finished
//! with `.call()` / `.send()`, iterators for paging; refuses (never panics) when
//! used inside an async runtime.

use runtime::blocking::OdooClient;
use runtime::odoo::TransportKind;
use runtime::{Domain, ErrorKind, Model, Secret};
use serde::Deserialize;
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, DEMO_PASSWORD, FakeOdoo, OdooVersion};

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

#[test]
fn blocking_client_does_what_the_async_one_does() {
    for v in OdooVersion::ALL {
        let fake = FakeOdoo::start(v);
        let mut clients = vec![
            OdooClient::connect(
                fake.url(),
                fake.db(),
                "admin",
                Secret::password(ADMIN_PASSWORD),
            )
            .unwrap(),
            OdooClient::builder(fake.url())
                .login("admin")
                .api_key(ADMIN_API_KEY)
                .connect()
                .unwrap(),
        ];
        clients.push(
            OdooClient::builder(fake.url())
                .database(fake.db())
                .login("admin")
                .password(ADMIN_PASSWORD)
                .transport(TransportKind::WebSession)
                .connect()
                .unwrap(),
        );
        if v.has_json2() {
            assert_eq!(clients[1].transport(), TransportKind::Json2);
        }
        for c in &clients {
            let what = format!("{v} via {}", c.transport());
            assert_eq!(c.server_version().major, v.major(), "{what}");
            assert_eq!(c.uid(), Some(2));
            let partners = c.model("res.partner");
            let companies = Domain::leaf("is_company", "=", true);
            let rows = partners
                .search_read(companies.clone())
                .fields(["name"])
                .limit(3)
                .call()
                .unwrap();
            assert_eq!(rows.len(), 3, "{what}");
            let typed: Vec<Partner> = c
                .search_read::<Partner>(companies.clone())
                .limit(2)
                .call()
                .unwrap();
            assert_eq!(typed.len(), 2);
            let ids: Vec<i64> = typed.iter().map(Model::id).collect();
            assert_eq!(c.read::<Partner>(&ids).send().unwrap().len(), 2);
            let n = partners.search_count(companies.clone()).call().unwrap();
            assert_eq!(
                c.search::<Partner>(companies.clone()).call().unwrap().len() as u64,
                n
            );
            let id = partners
                .create(&json!({"name": "Blocking"}))
                .send()
                .unwrap();
            assert!(
                partners
                    .write([id], &json!({"comment": "x"}))
                    .send()
                    .unwrap()
            );
            assert!(partners.unlink([id]).send().unwrap());
            assert!(partners.name_search("Deco").limit(2).call().unwrap().len() <= 2);
            assert!(
                !c.model("sale.order")
                    .read_group((), ["amount_total:sum"], ["state"])
                    .call()
                    .unwrap()
                    .is_empty()
            );
            assert!(
                partners
                    .fields_get()
                    .attributes(["type"])
                    .call()
                    .unwrap()
                    .contains_key("name")
            );
            let counted: u64 = c
                .execute_kw(
                    "res.partner",
                    "search_count",
                    vec![companies.clone().into_value()],
                    Value::Null,
                )
                .call()
                .unwrap();
            assert_eq!(counted, n);
            let exists: Vec<i64> = c
                .call("res.partner", "exists", &ids, json!({}))
                .call()
                .unwrap();
            assert_eq!(exists.len(), 2);

            // Paging as iterators.
            let pages: Vec<Vec<Value>> = partners
                .search_read(())
                .fields(["name"])
                .pages(7)
                .collect::<Result<_, _>>()
                .unwrap();
            assert!(pages.iter().all(|p| p.len() <= 7));
            let total: usize = pages.iter().map(Vec::len).sum();
            assert_eq!(
                total as u64,
                partners.search_count(()).call().unwrap(),
                "{what}"
            );
            let streamed = c
                .search_read::<Partner>(())
                .stream(9)
                .map(|r| r.unwrap().id)
                .collect::<Vec<_>>();
            assert_eq!(streamed.len(), total);
            assert!(streamed.windows(2).all(|w| w[0] < w[1]), "{what}: id order");
        }

        // Errors come back the same way.
        let demo = OdooClient::connect(
            fake.url(),
            fake.db(),
            "demo",
            Secret::password(DEMO_PASSWORD),
        )
        .unwrap();
        let e = demo
            .model("ir.config_parameter")
            .search_read(())
            .call()
            .unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Access);
        let e = OdooClient::connect(
            fake.url(),
            fake.db(),
            "admin",
            Secret::password("nope-nope"),
        )
        .unwrap_err();
        assert!(e.is_authentication());
        assert!(format!("{:?}", clients[0]).contains("[redacted]"));
    }
}

#[tokio::test]
async fn blocking_client_inside_an_async_runtime_is_an_error_not_a_panic() {
    let fake = FakeOdoo::start(OdooVersion::V17);
    let e = OdooClient::connect(
        fake.url(),
        fake.db(),
        "admin",
        Secret::password(ADMIN_PASSWORD),
    )
    .unwrap_err();
    assert!(e.is_config(), "{e:?}");

    // Made outside, then used and dropped inside: errors, and dropping does not panic.
    let url = fake.url();
    let db = fake.db().to_owned();
    let client = std::thread::spawn(move || {
        OdooClient::connect(url, db, "admin", Secret::password(ADMIN_PASSWORD)).unwrap()
    })
    .join()
    .unwrap();
    let e = client
        .model("res.partner")
        .search_count(())
        .call()
        .unwrap_err();
    assert!(e.is_config(), "{e:?}");
    let mut pages = client.model("res.partner").search_read(()).pages(5);
    assert!(pages.next().unwrap().unwrap_err().is_config());
    assert!(pages.next().is_none());
    drop(pages);
    drop(client);
}

/// Methods without options answer their result directly: Odoo 19's `api_doc` (a bearer
/// route, API keys only) and what typed reads leave out.
#[test]
fn blocking_client_reads_api_doc_and_left_out_fields() {
    let fake = FakeOdoo::start(OdooVersion::V19);
    let c = OdooClient::builder(fake.url())
        .login("admin")
        .api_key(ADMIN_API_KEY)
        .connect()
        .unwrap();
    let doc = c.api_doc("res.partner").unwrap();
    assert!(
        doc["fields"]["name"].is_object() && doc["methods"].is_object(),
        "{doc}"
    );
    assert!(c.left_out_fields::<Partner>().unwrap().is_empty());
    // The async client on the same connection, for async code: no second login.
    let logins = fake.requests().len();
    let async_side = c.to_async();
    assert_eq!(
        (async_side.uid(), async_side.database()),
        (c.uid(), c.database())
    );
    assert_eq!(fake.requests().len(), logins);
    // Used from another runtime, between blocking calls: the pooled connection's task lives on
    // the blocking client's runtime, which must keep running it.
    let other = tokio::runtime::Runtime::new().unwrap();
    for _ in 0..2 {
        let n = other
            .block_on(async {
                tokio::time::timeout(
                    std::time::Duration::from_secs(20),
                    async_side.model("res.partner").search_count(Domain::all()),
                )
                .await
            })
            .expect("the async side answers within 20 s")
            .unwrap();
        assert_eq!(
            n,
            c.model("res.partner")
                .search_count(Domain::all())
                .call()
                .unwrap()
        );
    }
    let with_password = OdooClient::connect(
        fake.url(),
        fake.db(),
        "admin",
        Secret::password(ADMIN_PASSWORD),
    )
    .unwrap();
    let e = with_password.api_doc("res.partner").unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Config, "{e}");
}
