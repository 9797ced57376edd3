//! Plain HTTP routes a client or a browser-based tool calls besides JSON-RPC: the company logo
//! and record images, answered as Odoo 16-19's `web/controllers/binary.py` and `ir.binary`
//! answer them.
//!
//! - `GET|POST /web/binary/company_logo` (also `/logo`, `/logo.png`; auth none): the `logo_web`
//!   of `?company=<id>`, else of the session user's company (the superuser's without a
//!   session), with the content type its bytes show, or Odoo's "no logo" placeholder PNG when
//!   the company has none.
//! - `GET|POST /web/image/<model>/<id>/<field>[/<filename>]` (auth public): the binary field's
//!   bytes (`inline; filename=<table>-<id>-<field>.<ext>`, `Content-Security-Policy:
//!   default-src 'none'`). A record that does not exist or that the caller may not read
//!   (without a session: the public user, who reads no partner) and an empty field all answer
//!   the placeholder image, status 200, as `content_image` does when `ir.binary` raises a
//!   `UserError`; an unknown model or field is a 404 page.
//!
//! Not recorded: the placeholder images are small stand-ins with the real status, type and
//! headers, not Odoo's `web/static/img/{placeholder,nologo}.png` bytes (the calls that would
//! pin them are listed in `tests/fixtures/README.md`).

use base64::Engine;
use serde_json::Value;

use super::fixtures::Fixtures;
use super::store::Store;

/// A 1×1 transparent PNG: the stand-in for Odoo's placeholder images (and modules' icons).
pub(crate) const PLACEHOLDER_PNG: &str = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";

/// An image answer: status, content type, body and extra headers.
pub(crate) struct Image {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Vec<u8>,
    pub headers: Vec<(&'static str, String)>,
}

/// Who asks: the session's user, if any, and whether it is an administrator.
pub(crate) struct Caller {
    pub uid: Option<i64>,
    pub is_admin: bool,
}

/// The company logo's paths (one route in Odoo).
const LOGO_PATHS: &[&str] = &["/web/binary/company_logo", "/logo", "/logo.png"];

/// Whether `path` is one of these routes.
pub(crate) fn serves(path: &str) -> bool {
    LOGO_PATHS.contains(&path) || path.starts_with("/web/image/")
}

/// `None` when `path` is not one of these routes (or a 404 of one of them). `query` is the
/// URL's query string (`company=2` picks the company whose logo is served).
pub(crate) fn answer(
    fx: &Fixtures,
    store: &Store,
    caller: &Caller,
    path: &str,
    query: &str,
) -> Option<Image> {
    if LOGO_PATHS.contains(&path) {
        let company = query
            .split('&')
            .filter_map(|kv| kv.split_once('='))
            .find(|(k, _)| *k == "company")
            .and_then(|(_, v)| v.parse::<i64>().ok());
        return Some(company_logo(store, caller, company));
    }
    let rest = path.strip_prefix("/web/image/")?;
    let parts: Vec<&str> = rest.split('/').collect();
    let [model, id, field, ..] = parts.as_slice() else {
        return None;
    };
    let id: i64 = id.parse().ok()?;
    let fields = fx.fields_get(model)?;
    let kind = fields.get(*field)?.get("type")?.as_str()?;
    if kind != "binary" {
        return None;
    }
    let readable = caller.uid.is_some()
        && (caller.is_admin || !store.read_denied.contains(&(model.to_string(), id)));
    let bytes = store
        .get(model, id)
        .filter(|_| readable)
        .and_then(|rec| rec.get(*field))
        .and_then(Value::as_str)
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .filter(|b| !b.is_empty());
    Some(match bytes {
        Some(bytes) => {
            let (mime, ext) = sniff(&bytes);
            let name = format!("{}-{id}-{field}{ext}", model.replace('.', "_"));
            image(mime, bytes, &name)
        }
        None => image("image/png", placeholder(), "placeholder.png"),
    })
}

fn company_logo(store: &Store, caller: &Caller, company: Option<i64>) -> Image {
    let uid = caller.uid.unwrap_or(1);
    let users_company = || {
        store
            .get("res.users", uid)
            .and_then(|u| u.get("company_id"))
            .and_then(|c| match c {
                Value::Number(n) => n.as_i64(),
                Value::Array(a) => a.first().and_then(Value::as_i64),
                _ => None,
            })
    };
    let company = company.or_else(users_company).unwrap_or(1);
    let logo = store
        .get("res.company", company)
        .and_then(|c| c.get("logo_web").or_else(|| c.get("logo")))
        .and_then(Value::as_str)
        .and_then(|b64| base64::engine::general_purpose::STANDARD.decode(b64).ok())
        .filter(|b| !b.is_empty());
    match logo {
        Some(bytes) => {
            let (mime, ext) = sniff(&bytes);
            image(mime, bytes, &format!("logo{ext}"))
        }
        None => image("image/png", placeholder(), "nologo.png"),
    }
}

fn image(content_type: &'static str, body: Vec<u8>, filename: &str) -> Image {
    Image {
        status: 200,
        content_type,
        body,
        headers: vec![
            (
                "content-disposition",
                format!("inline; filename={filename}"),
            ),
            ("content-security-policy", "default-src 'none'".into()),
            ("cache-control", "no-cache".into()),
        ],
    }
}

fn placeholder() -> Vec<u8> {
    base64::engine::general_purpose::STANDARD
        .decode(PLACEHOLDER_PNG)
        .unwrap_or_default()
}

/// Content type and extension from the first bytes, as Odoo's `guess_mimetype` does.
fn sniff(bytes: &[u8]) -> (&'static str, &'static str) {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        ("image/png", ".png")
    } else if bytes.starts_with(b"\xff\xd8\xff") {
        ("image/jpeg", ".jpg")
    } else if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        ("image/gif", ".gif")
    } else if bytes.len() > 12 && &bytes[..4] == b"RIFF" && &bytes[8..12] == b"WEBP" {
        ("image/webp", ".webp")
    } else if bytes.starts_with(b"<svg") || bytes.starts_with(b"<?xml") {
        ("image/svg+xml", ".svg")
    } else {
        ("application/octet-stream", ".bin")
    }
}
