//! `#[derive(Model)]` structs end to end against the fake Odoo server: typed
//! reads ask for exactly the struct's fields, Odoo's wire values decode
//! (`false` → `None`, many2one pairs, datetimes), and create/write/unlink
//! work with the struct itself as the values.

use chrono::{DateTime, Utc};
use runtime::odoo::OdooClient;
use runtime::odoo::wire::Many2One;
use runtime::{Domain, Model, Secret};
use serde_json::{Value, json};
use tests::odoo::{ADMIN_API_KEY, ADMIN_PASSWORD, FakeOdoo, OdooVersion, RecordedRequest};

/// A projection of res.partner, checked at compile time against an Odoo 18
/// snapshot (the path is relative to this crate's Cargo.toml).
#[derive(Debug, Clone, PartialEq, Model)]
#[model(odoo = "res.partner", schema = "../macros/tests/ui/odoo-18-small.json")]
struct Contact {
    id: i64,
    name: Option<String>,
    email: Option<String>,
    is_company: bool,
    parent_id: Option<Many2One<Contact>>,
    category_id: Vec<i64>,
    #[model(readonly)]
    write_date: Option<DateTime<Utc>>,
}

/// A model made in Odoo Studio: every field is custom.
#[derive(Debug, Clone, PartialEq, Model)]
#[model(odoo = "x_library.book")]
struct Book {
    id: i64,
    #[model(rename = "x_name")]
    title: String,
    #[model(rename = "x_studio_pages")]
    pages: i64,
    #[model(rename = "x_studio_score")]
    score: Option<f64>,
    #[model(rename = "x_studio_author_id")]
    author: Option<Many2One<Contact>>,
}

/// Insists on a name, which Odoo may leave empty.
#[derive(Debug, Model)]
#[model(odoo = "res.partner", readonly)]
struct StrictContact {
    id: i64,
    #[allow(dead_code)]
    name: String,
}

async fn connect(fake: &FakeOdoo, secret: Secret) -> OdooClient {
    OdooClient::connect(fake.url(), fake.db(), "admin", secret)
        .await
        .unwrap_or_else(|e| panic!("{} connect: {e}", fake.version()))
}

/// The keyword arguments of the last `method` call, whatever the transport.
fn last_kwargs(reqs: &[RecordedRequest], method: &str) -> Value {
    let r = reqs
        .iter()
        .rev()
        .find(|r| r.method.as_deref() == Some(method))
        .unwrap_or_else(|| panic!("no {method} request in {reqs:#?}"));
    if r.path == "/jsonrpc" {
        r.params["args"].get(6).cloned().unwrap_or(json!({}))
    } else if r.path.starts_with("/web/dataset/call_kw") {
        r.params["kwargs"].clone()
    } else {
        r.params.clone()
    }
}

/// Positional `values` of the last `create`/`write`, whatever the transport.
fn last_values(reqs: &[RecordedRequest], method: &str) -> Value {
    let r = reqs
        .iter()
        .rev()
        .find(|r| r.method.as_deref() == Some(method))
        .unwrap_or_else(|| panic!("no {method} request"));
    let args = if r.path == "/jsonrpc" {
        r.params["args"].get(5).cloned().unwrap_or(Value::Null)
    } else if r.path.starts_with("/web/dataset/call_kw") {
        r.params["args"].clone()
    } else {
        // JSON-2: named arguments.
        return match method {
            "create" => r.params["vals_list"].clone(),
            _ => r.params["vals"].clone(),
        };
    };
    match method {
        "create" => args[0].clone(),
        _ => args[1].clone(),
    }
}

#[tokio::test]
async fn search_read_asks_for_exactly_the_struct_fields_and_decodes_them() {
    for (v, secret) in [
        (OdooVersion::V18, Secret::password(ADMIN_PASSWORD)),
        (OdooVersion::V19, Secret::api_key(ADMIN_API_KEY)),
        (OdooVersion::V16, Secret::password(ADMIN_PASSWORD)),
    ] {
        let fake = FakeOdoo::start(v);
        let parent = fake.insert(
            "res.partner",
            json!({"name": "Holding", "is_company": true}),
        );
        let child = fake.insert(
            "res.partner",
            json!({"name": "Acme", "is_company": true, "email": false, "parent_id": parent,
                   "write_date": "2024-03-01 10:00:00"}),
        );
        let client = connect(&fake, secret).await;
        fake.clear_requests();

        let found = client
            .search_read::<Contact>(Domain::leaf("id", "in", json!([parent, child])))
            .order("id")
            .await
            .unwrap_or_else(|e| panic!("{v}: {e}"));
        let kw = last_kwargs(&fake.requests(), "search_read");
        assert_eq!(kw["fields"], json!(Contact::FIELDS), "{v}");
        assert_eq!(
            Contact::FIELDS,
            [
                "id",
                "name",
                "email",
                "is_company",
                "parent_id",
                "category_id",
                "write_date"
            ]
        );

        assert_eq!(found.len(), 2, "{v}: {found:#?}");
        let acme = found.iter().find(|c| c.id() == child).unwrap();
        assert_eq!(acme.name.as_deref(), Some("Acme"), "{v}");
        assert_eq!(acme.email, None, "{v}: false is None");
        let p = acme.parent_id.as_ref().expect("parent");
        assert_eq!((p.id, p.name()), (parent, Some("Holding")), "{v}");
        let written = acme.write_date.map(|d| d.to_rfc3339());
        assert_eq!(written.as_deref(), Some("2024-03-01T10:00:00+00:00"), "{v}");
        let holding = found.iter().find(|c| c.id() == parent).unwrap();
        assert_eq!(holding.parent_id, None, "{v}");

        // `read` by ids asks for the same fields.
        let read = client.read::<Contact>([child]).await.unwrap();
        assert_eq!(read.as_slice(), std::slice::from_ref(acme), "{v}");
        let kw = last_kwargs(&fake.requests(), "read");
        assert_eq!(kw["fields"], json!(Contact::FIELDS), "{v}");
    }
}

#[tokio::test]
async fn create_write_unlink_with_the_struct_as_values() {
    for (v, secret) in [
        (OdooVersion::V18, Secret::password(ADMIN_PASSWORD)),
        (OdooVersion::V19, Secret::api_key(ADMIN_API_KEY)),
    ] {
        let fake = FakeOdoo::start(v);
        let parent = fake.insert(
            "res.partner",
            json!({"name": "Holding", "is_company": true}),
        );
        let client = connect(&fake, secret).await;

        let mut new = Contact {
            id: 0, // ignored by create
            name: Some("Derive Co".into()),
            email: Some("hello@derive.example".into()),
            is_company: false,
            parent_id: Some(Many2One::new(parent)),
            category_id: vec![],
            write_date: None, // readonly: never sent
        };
        let id = client
            .create(&new)
            .await
            .unwrap_or_else(|e| panic!("{v}: {e}"));
        let sent = last_values(&fake.requests(), "create");
        let sent = if sent.is_array() {
            sent[0].clone()
        } else {
            sent
        };
        assert_eq!(
            sent,
            json!({
                "name": "Derive Co", "email": "hello@derive.example", "is_company": false,
                "parent_id": parent, "category_id": [[6, 0, []]]
            }),
            "{v}: no id, no readonly field; a many2one is its id"
        );

        let got = client.read::<Contact>([id]).await.unwrap().remove(0);
        new.id = id;
        new.write_date = got.write_date;
        let parent_name = got
            .parent_id
            .as_ref()
            .and_then(|p| p.name().map(str::to_owned));
        new.parent_id = Some(Many2One::with_name(parent, parent_name.unwrap_or_default()));
        assert_eq!(got, new, "{v}");

        // Write the struct back with changes: None empties the field.
        let mut changed = got.clone();
        changed.email = None;
        changed.name = Some("Derive Company".into());
        changed.parent_id = None;
        assert!(client.write([id], &changed).await.unwrap(), "{v}");
        let sent = last_values(&fake.requests(), "write");
        assert_eq!(sent["email"], json!(false), "{v}");
        assert_eq!(sent["parent_id"], json!(false), "{v}");
        let got = client.read::<Contact>([id]).await.unwrap().remove(0);
        assert_eq!(got.name.as_deref(), Some("Derive Company"), "{v}");
        assert_eq!((got.email, got.parent_id), (None, None), "{v}");

        assert!(client.unlink::<Contact>([id]).await.unwrap(), "{v}");
        assert!(
            client.read::<Contact>([id]).await.unwrap().is_empty(),
            "{v}"
        );
    }
}

#[tokio::test]
async fn a_studio_model_with_custom_fields() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let author = fake.insert("res.partner", json!({"name": "Ursula"}));
    fake.insert(
        "x_library.book",
        json!({"x_name": "The Dispossessed", "x_studio_pages": 387, "x_studio_score": 4.5,
               "x_studio_author_id": author}),
    );
    let client = connect(&fake, Secret::password(ADMIN_PASSWORD)).await;

    let id = client
        .create(&Book {
            id: 0,
            title: "Lathe of Heaven".into(),
            pages: 184,
            score: None,
            author: Some(Many2One::new(author)),
        })
        .await
        .unwrap();

    let books = client
        .search_read::<Book>(Domain::leaf("x_studio_pages", ">", 100))
        .order("x_name")
        .await
        .unwrap();
    let kw = last_kwargs(&fake.requests(), "search_read");
    assert_eq!(
        kw["fields"],
        json!([
            "id",
            "x_name",
            "x_studio_pages",
            "x_studio_score",
            "x_studio_author_id"
        ])
    );
    let titles: Vec<&str> = books.iter().map(|b| b.title.as_str()).collect();
    assert_eq!(titles, ["Lathe of Heaven", "The Dispossessed"]);
    let lathe = books.iter().find(|b| b.id() == id).unwrap();
    assert_eq!((lathe.pages, lathe.score), (184, None));
    assert_eq!(lathe.author.as_ref().map(Many2One::id), Some(author));
    assert_eq!(books[1].score, Some(4.5));
}

#[tokio::test]
async fn a_false_in_a_non_optional_field_is_a_decode_error_naming_the_field_and_the_fix() {
    let fake = FakeOdoo::start(OdooVersion::V18);
    let id = fake.insert("res.partner", json!({"name": false}));
    let client = connect(&fake, Secret::password(ADMIN_PASSWORD)).await;
    let e = client.read::<StrictContact>([id]).await.unwrap_err();
    let shown = format!("{e} {:?}", std::error::Error::source(&e));
    assert!(shown.contains("field `name`"), "{shown}");
    assert!(shown.contains("declare it `Option<String>`"), "{shown}");
}
