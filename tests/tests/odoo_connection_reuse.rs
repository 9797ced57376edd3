//! The Odoo client keeps one TCP connection for a sequence of calls: login, typed and untyped
//! reads, paging, writes. A behavior, not a timing: counted by the fake server's accept loop.

use futures_util::StreamExt;
use runtime::odoo::TransportKind;
use runtime::{Domain, Model, OdooClient, Secret};
use serde::Deserialize;
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion};

/// A projection every version has (the generated structs are Odoo 18's).
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

async fn sequence(client: &OdooClient) {
    let partners = client.search_read::<Partner>(()).limit(10).await.unwrap();
    assert_eq!(partners.len(), 10);
    let ids: Vec<i64> = partners.iter().map(|p| p.id).collect();
    assert_eq!(client.read::<Partner>(&ids).await.unwrap().len(), 10);
    let n = client
        .model("res.partner")
        .search_count(Domain::leaf("is_company", "=", true))
        .await
        .unwrap();
    assert!(n > 0);
    let mut pages = Box::pin(client.search_read::<Partner>(()).pages(7));
    let mut seen = 0;
    while let Some(page) = pages.next().await {
        seen += page.unwrap().len();
    }
    assert!(seen >= 40);
    let untyped = client
        .model("res.partner")
        .search_read(())
        .fields(["name"])
        .limit(5)
        .await
        .unwrap();
    assert_eq!(untyped.len(), 5);
    let id = client
        .model("res.partner")
        .create(&serde_json::json!({"name": "Reuse"}))
        .await
        .unwrap();
    assert!(client.model("res.partner").unlink([id]).await.unwrap());
}

#[tokio::test]
async fn one_tcp_connection_for_a_sequence_of_calls_on_every_transport() {
    for (version, secret, transport) in [
        (OdooVersion::V16, Secret::password(ADMIN_PASSWORD), None),
        (OdooVersion::V18, Secret::api_key(ADMIN_API_KEY), None),
        (
            OdooVersion::V19,
            Secret::api_key(ADMIN_API_KEY),
            Some(TransportKind::Json2),
        ),
        (
            OdooVersion::V19,
            Secret::password(ADMIN_PASSWORD),
            Some(TransportKind::WebSession),
        ),
    ] {
        let fake = FakeOdoo::start(version);
        let mut b = OdooClient::builder(fake.url())
            .database(fake.db())
            .login("admin")
            .secret(secret);
        if let Some(t) = transport {
            b = b.transport(t);
        }
        let client = b.connect().await.unwrap();
        sequence(&client).await;
        sequence(&client).await;
        assert!(fake.request_count() > 20, "{version:?}");
        assert_eq!(
            fake.connections_accepted(),
            1,
            "{version:?} {:?}: {} requests over more than one connection",
            client.transport(),
            fake.request_count()
        );
    }
}
