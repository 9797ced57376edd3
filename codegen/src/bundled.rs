//! The workspace's own `generated` crate: bindings for every model of the
//! bundled Odoo 18 snapshot, each behind its module's cargo feature.
//! `cargo run -p codegen` regenerates it; `codegen check` fails when it is stale.

use std::path::{Path, PathBuf};

use crate::emit::{self, Layout, SchemaPlan, Settings};
use crate::error::Result;
use crate::schema::Schema;
use crate::write::{self, Changes};

/// The snapshot the crate is generated from, relative to the workspace root.
pub const SCHEMA: &str = "generated/schema/odoo-18.json";
/// The crate directory, relative to the workspace root.
pub const CRATE: &str = "generated";
/// Features on by default: enough for contacts, products, sales and purchases
/// while a plain build stays quick.
pub const DEFAULT_FEATURES: &[&str] = &["base", "contacts", "product", "sale", "purchase"];

/// Required fields that Odoo fills with a default on create (a sequence
/// number, the current company, today, the company currency): the create
/// constructors do not demand them. Found by reading the models' field
/// definitions; fields_get has no `default`.
pub const CREATE_OPTIONAL: &[&str] = &[
    "company_id",
    "currency_id",
    "date_order",
    "sale.order.name",
    "purchase.order.name",
    "purchase.order.picking_type_id",
    "sale.order.picking_policy",
    "sale.order.line.customer_lead",
    // The parent fills the inverse of a one2many when lines are created
    // through it (`Command::create`), the usual way to add them.
    "sale.order.line.order_id",
    "purchase.order.line.order_id",
    "account.move.line.move_id",
    "res.users.notification_type",
    "account.move.date",
    "account.move.auto_post",
    "res.partner.autopost_bills",
];

/// The workspace root this binary was built in (`codegen/..`).
pub fn default_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_owned)
        .unwrap_or_else(|| PathBuf::from("."))
}

pub fn settings() -> Settings {
    Settings {
        layout: Layout::Tree,
        features: true,
        create_optional: CREATE_OPTIONAL.iter().map(|s| s.to_string()).collect(),
        source: format!("the Odoo 18.0 schema snapshot `{SCHEMA}`"),
        ..Settings::default()
    }
}

/// All files of the crate: (directory replaced whole, its files), (crate files).
fn render(root: &Path) -> Result<(Vec<emit::OutputFile>, Vec<emit::OutputFile>)> {
    let schema = Schema::load(&root.join(SCHEMA))?;
    let settings = settings();
    let plan = SchemaPlan::new(&schema, &settings)?;
    let tree = emit::index::files(&plan, &settings)?;
    let crate_files = emit::index::crate_files(&plan, &settings, DEFAULT_FEATURES)?;
    Ok((tree, crate_files))
}

fn odoo_dir(root: &Path) -> PathBuf {
    root.join(CRATE).join("src/odoo")
}

/// Regenerate `generated/` from the bundled snapshot; a second run changes nothing.
pub fn regenerate(root: &Path) -> Result<Changes> {
    let (tree, crate_files) = render(root)?;
    let mut changes = write::write_dir(&odoo_dir(root), &tree)?;
    prefix(&mut changes, "src/odoo");
    let more = write::write_files(&root.join(CRATE), &crate_files)?;
    merge(&mut changes, more);
    Ok(changes)
}

/// What regenerating would change (empty when `generated/` is up to date).
pub fn check(root: &Path) -> Result<Changes> {
    let (tree, crate_files) = render(root)?;
    let mut changes = write::diff_dir(&odoo_dir(root), &tree)?;
    prefix(&mut changes, "src/odoo");
    let more = write::diff_files(&root.join(CRATE), &crate_files)?;
    merge(&mut changes, more);
    Ok(changes)
}

fn prefix(c: &mut Changes, dir: &str) {
    for list in [&mut c.added, &mut c.changed, &mut c.removed] {
        for p in list.iter_mut() {
            *p = Path::new(dir).join(&*p);
        }
    }
}

fn merge(into: &mut Changes, more: Changes) {
    into.added.extend(more.added);
    into.changed.extend(more.changed);
    into.removed.extend(more.removed);
}
