//! The workspace's own `generated` crate: bindings for every model of the
//! bundled Odoo 18 snapshot, each behind its module's cargo feature, and for
//! the modules of the bundled aiM18 snapshot (features `aim18-<module>`).
//! `cargo run -p codegen` regenerates both; `codegen check` fails when either is stale.

use std::path::{Path, PathBuf};

use crate::emit::{self, Layout, SchemaPlan, Settings};
use crate::error::Result;
use crate::schema::Schema;
use crate::schema::aim18::Aim18Schema;
use crate::write::{self, Changes};

/// The snapshot the crate is generated from, relative to the workspace root.
pub const SCHEMA: &str = "generated/schema/odoo-18.json";
/// The bundled aiM18 snapshot, relative to the workspace root: fetched from
/// the fake aiM18 server (`tests::aim18::FakeAim18`) with [`AIM18_MODULES`];
/// a test in `codegen/tests/aim18_fetch.rs` keeps the two equal.
pub const AIM18_SCHEMA: &str = "generated/schema/aim18.json";
/// The modules of the bundled aiM18 snapshot, as `codegen fetch aim18
/// --module` takes them: employee, customer, a sales order with lines and a
/// purchase order with lines, each with its lookup.
pub const AIM18_MODULES: &[&str] = &[
    "employee:employee:employee",
    "cus:cus:cus",
    "oldso:oldso:oldso",
    "po:po:po",
];
/// The `version` recorded in the bundled aiM18 snapshot: it is not from a
/// real server, and the generated docs say so.
pub const AIM18_VERSION: &str = crate::schema::aim18::FAKE_VERSION;
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

/// What the crate adds to the Odoo 18 snapshot before generating: the
/// recording has no method list (16–18 cannot give one), so the bundled
/// methods file, from the Odoo 19 `api_doc` recording, stands in, minus the
/// methods of modules the 18 recording does not have installed.
pub fn add_methods(schema: &mut Schema) {
    let bundled = crate::schema::methods::bundled().only_installed(schema);
    schema.attach_methods(&bundled);
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

pub fn aim18_settings() -> Settings {
    Settings {
        layout: Layout::Tree,
        features: true,
        source: format!("the aiM18 schema snapshot `{AIM18_SCHEMA}`"),
        ..Settings::default()
    }
}

/// All files of the crate: the directories replaced whole (relative to the
/// crate, with their files), then the crate files.
type Rendered = (
    Vec<(&'static str, Vec<emit::OutputFile>)>,
    Vec<emit::OutputFile>,
);

fn render(root: &Path) -> Result<Rendered> {
    let mut schema = Schema::load(&root.join(SCHEMA))?;
    add_methods(&mut schema);
    let settings = settings();
    let plan = SchemaPlan::new(&schema, &settings)?;
    let tree = emit::index::files(&plan, &settings)?;
    let aim18_schema = Aim18Schema::load(&root.join(AIM18_SCHEMA))?;
    let aim18_settings = aim18_settings();
    let aim18_plan = emit::aim18::Aim18Plan::new(&aim18_schema, &aim18_settings)?;
    let aim18_tree = emit::aim18::files(&aim18_plan, &aim18_settings)?;
    let part = emit::aim18::crate_part(&aim18_plan, &aim18_settings);
    let crate_files = emit::index::crate_files(&plan, &settings, DEFAULT_FEATURES, Some(&part))?;
    Ok((
        vec![("src/odoo", tree), ("src/aim18", aim18_tree)],
        crate_files,
    ))
}

/// Regenerate `generated/` from the bundled snapshots; a second run changes nothing.
pub fn regenerate(root: &Path) -> Result<Changes> {
    let (trees, crate_files) = render(root)?;
    let mut changes = Changes::default();
    for (dir, files) in trees {
        let mut more = write::write_dir(&root.join(CRATE).join(dir), &files)?;
        prefix(&mut more, dir);
        merge(&mut changes, more);
    }
    let more = write::write_files(&root.join(CRATE), &crate_files)?;
    merge(&mut changes, more);
    Ok(changes)
}

/// What regenerating would change (empty when `generated/` is up to date).
pub fn check(root: &Path) -> Result<Changes> {
    let (trees, crate_files) = render(root)?;
    let mut changes = Changes::default();
    for (dir, files) in trees {
        let mut more = write::diff_dir(&root.join(CRATE).join(dir), &files)?;
        prefix(&mut more, dir);
        merge(&mut changes, more);
    }
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
