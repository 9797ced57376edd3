//! The records every Odoo database has besides the business data, and their external ids
//! (`ir.model.data`), so that a client walking the technical models finds what a real server
//! holds: languages (`base.lang_en`), installed modules (`base.module_base`, with their text
//! fields), currencies and a rate (`base.USD`, `base.rateUSD`), companies (the second one of
//! the recorded `session_info`), a few standard groups, users, window actions
//! (`base.action_partner_form`), countries (`base.us`, `base.de`), scheduled actions (`ir.cron`) and the reports of the
//! installed apps (`ir.actions.report`: invoices, quotations, delivery slips, ...).
//!
//! Sources, in order of trust: the recordings (companies and currencies from the recorded
//! `session_info`, installed modules from `ir.model`'s `modules`, `res.partner.image_128`),
//! then Odoo's own data files (names, xml ids, report names, field values as `base`, `sale`,
//! `account`, `stock`, ... declare them). Ids that no recording shows (languages, modules,
//! groups, actions, reports, crons) are plausible, not recorded: the calls that would pin them
//! are listed in `tests/fixtures/README.md`. A record already in the store is never replaced.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::OdooVersion;
use super::errors::OdooError;
use super::fixtures::{Fixtures, Obj};
use super::orm::{Orm, obj};
use super::store::Store;

/// `(module, name, model, id)` of one external id.
type XmlId = (String, String, &'static str, i64);

/// Languages: `(xml id name, code, name, iso, url code, active)`. en_US is the only active one
/// in a fresh database; the others exist inactive until `base.language.install` activates them.
const LANGS: &[(&str, &str, &str, &str, &str, bool)] = &[
    ("lang_en", "en_US", "English (US)", "en", "en", true),
    ("lang_fr", "fr_FR", "French / Français", "fr", "fr", false),
    ("lang_de", "de_DE", "German / Deutsch", "de", "de", false),
    ("lang_es", "es_ES", "Spanish / Español", "es", "es", false),
    ("lang_nl", "nl_NL", "Dutch / Nederlands", "nl", "nl", false),
];

/// Standard groups: `(module, xml id name, name)`, ids in this order (Odoo's `base` data file
/// declares `group_user` first).
const GROUPS: &[(&str, &str, &str)] = &[
    ("base", "group_user", "Internal User"),
    ("base", "group_erp_manager", "Access Rights"),
    ("base", "group_system", "Settings"),
    ("base", "group_no_one", "Technical Features"),
    ("base", "group_portal", "Portal"),
    ("base", "group_public", "Public"),
    ("base", "group_multi_company", "Multi Companies"),
    ("base", "group_multi_currency", "Multi Currencies"),
    (
        "sales_team",
        "group_sale_salesman",
        "User: Own Documents Only",
    ),
    (
        "sales_team",
        "group_sale_salesman_all_leads",
        "User: All Documents",
    ),
    ("sales_team", "group_sale_manager", "Administrator"),
];

/// Window actions: `(module, xml id name, name, res_model)`, ids from 1 in this order.
const ACT_WINDOWS: &[(&str, &str, &str, &str)] = &[
    ("base", "action_partner_form", "Contacts", "res.partner"),
    ("base", "action_res_users", "Users", "res.users"),
    (
        "base",
        "action_res_company_form",
        "Companies",
        "res.company",
    ),
    ("base", "action_res_groups", "Groups", "res.groups"),
    ("base", "res_lang_act_window", "Languages", "res.lang"),
    ("base", "action_currency_form", "Currencies", "res.currency"),
    ("base", "open_module_tree", "Apps", "ir.module.module"),
    ("base", "ir_cron_act", "Scheduled Actions", "ir.cron"),
    ("base", "ir_action_report", "Reports", "ir.actions.report"),
    ("sale", "action_orders", "Sales Orders", "sale.order"),
    (
        "sale",
        "action_quotations_with_onboarding",
        "Quotations",
        "sale.order",
    ),
    (
        "account",
        "action_move_out_invoice_type",
        "Invoices",
        "account.move",
    ),
    (
        "stock",
        "action_picking_tree_all",
        "Transfers",
        "stock.picking",
    ),
    (
        "purchase",
        "purchase_form_action",
        "Purchase Orders",
        "purchase.order",
    ),
    ("crm", "crm_lead_all_leads", "Leads", "crm.lead"),
    (
        "project",
        "open_view_project_all",
        "Projects",
        "project.project",
    ),
    (
        "hr",
        "open_view_employee_list_my",
        "Employees",
        "hr.employee",
    ),
];

/// Reports: `(module, xml id name, name, model, report_name, report_type)`, as the apps'
/// `*_reports.xml` declare them; only those of installed modules are stored.
const REPORTS: &[(&str, &str, &str, &str, &str, &str)] = &[
    (
        "web",
        "action_report_externalpreview",
        "Preview External Report",
        "res.company",
        "web.preview_externalreport",
        "qweb-pdf",
    ),
    (
        "web",
        "action_report_internalpreview",
        "Preview Internal Report",
        "res.company",
        "web.preview_internalreport",
        "qweb-pdf",
    ),
    (
        "account",
        "account_invoices",
        "Invoices",
        "account.move",
        "account.report_invoice_with_payments",
        "qweb-pdf",
    ),
    (
        "account",
        "account_invoices_without_payment",
        "Invoices without Payment",
        "account.move",
        "account.report_invoice",
        "qweb-pdf",
    ),
    (
        "sale",
        "action_report_saleorder",
        "Quotation / Order",
        "sale.order",
        "sale.report_saleorder",
        "qweb-pdf",
    ),
    (
        "sale",
        "action_report_pro_forma_invoice",
        "PRO-FORMA Invoice",
        "sale.order",
        "sale.report_saleorder_pro_forma",
        "qweb-pdf",
    ),
    (
        "purchase",
        "action_report_purchase_order",
        "Purchase Order",
        "purchase.order",
        "purchase.report_purchaseorder",
        "qweb-pdf",
    ),
    (
        "purchase",
        "report_purchase_quotation",
        "Request for Quotation",
        "purchase.order",
        "purchase.report_purchasequotation",
        "qweb-pdf",
    ),
    (
        "stock",
        "action_report_delivery",
        "Delivery Slip",
        "stock.picking",
        "stock.report_deliveryslip",
        "qweb-pdf",
    ),
    (
        "stock",
        "action_report_picking",
        "Picking Operations",
        "stock.picking",
        "stock.report_picking",
        "qweb-pdf",
    ),
    (
        "hr",
        "hr_employee_print_badge",
        "Print Badge",
        "hr.employee",
        "hr.print_employee_badge",
        "qweb-pdf",
    ),
    (
        "project",
        "task_report",
        "Tasks",
        "project.task",
        "project.report_project_task_user",
        "qweb-pdf",
    ),
];

/// Scheduled actions: `(module, xml id name, name, model, interval number, interval type)`.
const CRONS: &[(&str, &str, &str, &str, i64, &str)] = &[
    (
        "base",
        "autovacuum_job",
        "Base: Auto-vacuum internal data",
        "ir.autovacuum",
        1,
        "days",
    ),
    (
        "mail",
        "ir_cron_mail_scheduler_action",
        "Mail: Email Queue Manager",
        "mail.mail",
        1,
        "hours",
    ),
    (
        "account",
        "ir_cron_auto_post_draft_entry",
        "Account: Post draft entries with auto_post enabled and accounting date up to today",
        "account.move",
        1,
        "days",
    ),
    (
        "sale",
        "send_invoice_cron",
        "automatic invoicing: send ready invoice",
        "sale.order",
        1,
        "days",
    ),
    (
        "stock",
        "ir_cron_scheduler_action",
        "Procurement: run scheduler",
        "stock.rule",
        1,
        "days",
    ),
];

/// Countries: `(xml id name, code, id, name)`. The ids are the recorded ones (partners'
/// `country_id`), except Germany, the Netherlands and Canada, placed where Odoo's data file
/// order (alphabetical by xml id, as the recorded ids show) puts them.
const COUNTRIES: &[(&str, &str, i64, &str)] = &[
    ("au", "AU", 13, "Australia"),
    ("be", "BE", 20, "Belgium"),
    ("ca", "CA", 38, "Canada"),
    ("de", "DE", 57, "Germany"),
    ("es", "ES", 68, "Spain"),
    ("fr", "FR", 75, "France"),
    ("it", "IT", 109, "Italy"),
    ("li", "LI", 128, "Liechtenstein"),
    ("me", "ME", 139, "Montenegro"),
    ("nl", "NL", 165, "Netherlands"),
    ("pe", "PE", 173, "Peru"),
    ("sm", "SM", 203, "San Marino"),
    ("uk", "GB", 231, "United Kingdom"),
    ("us", "US", 233, "United States"),
    ("ve", "VE", 238, "Venezuela"),
];

/// The uid of the demo user and its relatives follow the recorded databases.
fn user_xmlids(version: OdooVersion) -> Vec<(&'static str, &'static str, i64)> {
    let demo = version.demo_uid();
    vec![
        ("user_root", "res.users", 1),
        ("user_admin", "res.users", 2),
        ("user_demo", "res.users", demo),
        ("demo_user0", "res.users", demo + 1),
        ("main_partner", "res.partner", 1),
        ("partner_root", "res.partner", 2),
        ("partner_admin", "res.partner", 3),
        ("partner_demo", "res.partner", demo + 1),
        ("partner_demo_portal", "res.partner", demo + 2),
        ("main_company", "res.company", 1),
    ]
}

/// Store the base records and their external ids (see the module docs).
pub(crate) fn add_base_data(fx: &Fixtures, store: &mut Store) {
    let version = fx.version;
    let mut xmlids: Vec<XmlId> = Vec::new();
    let add = |store: &mut Store, model: &'static str, rec: Obj| -> i64 {
        let id = rec.get("id").and_then(Value::as_i64).unwrap_or(0);
        let fields = fx.fields_get(model).unwrap_or_default();
        // only the fields this version has (e.g. `lang_ids` of 16 vs `lang` of older ones)
        let rec: Obj = rec
            .into_iter()
            .filter(|(k, _)| k == "id" || fields.contains_key(k))
            .collect();
        let data = store.model_mut(model);
        if let Some(existing) = data.records.get_mut(&id).filter(|_| id > 0) {
            // a record known by its name only (`referenced.rs`) gets the rest of its values
            for (k, v) in rec {
                existing.entry(k).or_insert(v);
            }
            data.touch();
            return id;
        }
        store.put(model, rec)
    };
    let session = fx
        .recording("web.session.authenticate.ok")
        .and_then(|r| r.pointer("/response/result"))
        .cloned()
        .unwrap_or(Value::Null);

    // companies, as the recorded session_info lists them (16-18: Chicago is 2; 19: 2 and 3)
    if let Some(Value::Object(companies)) = session.pointer("/user_companies/allowed_companies") {
        for c in companies.values() {
            let (Some(id), Some(name)) = (c["id"].as_i64(), c["name"].as_str()) else {
                continue;
            };
            add(
                store,
                "res.company",
                obj(
                    json!({"id": id, "name": name, "sequence": c["sequence"], "active": true,
                    "parent_id": c["parent_id"].as_i64().map_or(Value::Bool(false), Value::from)}),
                ),
            );
        }
    }
    // currencies: the recorded session_info's (16: EUR 1, USD 2; 17-19: USD 1), by symbol
    let mut currency_ids: Vec<(String, i64)> = Vec::new();
    if let Some(Value::Object(currencies)) = session.get("currencies") {
        for (id, c) in currencies {
            let Ok(id) = id.parse::<i64>() else { continue };
            let code = c["name"]
                .as_str()
                .map(str::to_string)
                .or_else(|| store.names.get(&("res.currency".into(), id)).cloned())
                .or_else(|| {
                    store
                        .get("res.currency", id)
                        .and_then(|r| r.get("name"))
                        .and_then(Value::as_str)
                        .map(str::to_string)
                })
                .unwrap_or_else(|| match c["symbol"].as_str() {
                    Some("€") => "EUR".into(),
                    _ => "USD".into(),
                });
            add(
                store,
                "res.currency",
                obj(
                    json!({"id": id, "name": code, "symbol": c["symbol"], "position": c["position"],
                    "rounding": 0.01, "decimal_places": 2, "active": true}),
                ),
            );
            currency_ids.push((code, id));
        }
    }
    if !currency_ids.iter().any(|(c, _)| c == "EUR") {
        let id = add(
            store,
            "res.currency",
            obj(
                json!({"name": "EUR", "symbol": "€", "position": "after", "rounding": 0.01,
                "decimal_places": 2, "active": false}),
            ),
        );
        currency_ids.push(("EUR".into(), id));
    }
    for (code, id) in &currency_ids {
        xmlids.push(("base".into(), code.clone(), "res.currency", *id));
    }
    if let Some((_, usd)) = currency_ids.iter().find(|(c, _)| c == "USD") {
        let rate = add(
            store,
            "res.currency.rate",
            obj(
                json!({"name": "2010-01-01", "rate": 1.0, "company_rate": 1.0,
                "inverse_company_rate": 1.0, "currency_id": usd, "company_id": 1}),
            ),
        );
        xmlids.push(("base".into(), "rateUSD".into(), "res.currency.rate", rate));
    }

    for (xml, code, id, name) in COUNTRIES {
        add(
            store,
            "res.country",
            obj(json!({"id": id, "name": name, "code": code, "active": true})),
        );
        xmlids.push(("base".into(), (*xml).into(), "res.country", *id));
    }

    for (i, (name, code, long, iso, url, active)) in LANGS.iter().enumerate() {
        let id = add(
            store,
            "res.lang",
            obj(
                json!({"id": i + 1, "name": long, "code": code, "iso_code": iso,
                "url_code": url, "active": active, "direction": "ltr",
                "date_format": if *code == "en_US" { "%m/%d/%Y" } else { "%d/%m/%Y" },
                "time_format": "%H:%M:%S", "week_start": "7", "grouping": "[3,0]",
                "decimal_point": if *code == "en_US" { "." } else { "," },
                "thousands_sep": if *code == "en_US" { "," } else { "." }}),
            ),
        );
        xmlids.push(("base".into(), (*name).into(), "res.lang", id));
    }

    // installed modules: every module ir.model names, ids in alphabetical order
    let installed = installed_modules(fx);
    let defined_by = models_by_module(fx);
    for (i, module) in installed.iter().enumerate() {
        let models: Vec<&String> = defined_by
            .iter()
            .filter(|(m, _)| m == module)
            .map(|(_, model)| model)
            .collect();
        let list = if version == OdooVersion::V16 {
            "tree"
        } else {
            "list"
        };
        let views: Vec<String> = models
            .iter()
            .flat_map(|m| [format!("{m}.form (form)"), format!("{m}.{list} ({list})")])
            .collect();
        let reports: Vec<&str> = REPORTS
            .iter()
            .filter(|r| r.0 == module)
            .map(|r| r.4)
            .collect();
        let id = add(
            store,
            "ir.module.module",
            obj(json!({"id": i + 1, "name": module, "state": "installed",
                "shortdesc": title(module), "summary": "", "author": "Odoo S.A.",
                "license": "LGPL-3", "latest_version": format!("{}.1.0", version.as_str()),
                "installed_version": format!("{}.1.0", version.as_str()),
                "application": APPLICATIONS.contains(&module.as_str()),
                "auto_install": false, "demo": true, "website": "https://www.odoo.com",
                "views_by_module": views.join("\n"), "reports_by_module": reports.join("\n"),
                "menus_by_module": "", "description": "", "sequence": 100,
                "icon": format!("/{module}/static/description/icon.png"),
                "icon_image": super::web_routes::PLACEHOLDER_PNG})),
        );
        xmlids.push((
            "base".into(),
            format!("module_{module}"),
            "ir.module.module",
            id,
        ));
    }

    for (i, (module, name, label)) in GROUPS.iter().enumerate() {
        if !installed.contains(*module) {
            continue;
        }
        let id = add(
            store,
            "res.groups",
            obj(json!({"id": i + 1, "name": label})),
        );
        xmlids.push(((*module).into(), (*name).into(), "res.groups", id));
    }

    for (i, (module, name, label, res_model)) in ACT_WINDOWS.iter().enumerate() {
        if !installed.contains(*module) || fx.fields_get(res_model).is_none() {
            continue;
        }
        let rec = json!({"id": i + 1, "name": label, "type": "ir.actions.act_window",
            "res_model": res_model, "view_mode": if version == OdooVersion::V16 { "tree,form" } else { "list,form" },
            "target": "current", "context": "{}", "binding_type": "action",
            "xml_id": format!("{module}.{name}")});
        let id = add(store, "ir.actions.act_window", obj(rec.clone()));
        // the parent model holds the same row (Odoo's `_inherits`-free table inheritance)
        add(store, "ir.actions.actions", obj(rec));
        xmlids.push((
            (*module).into(),
            (*name).into(),
            "ir.actions.act_window",
            id,
        ));
    }

    let mut next_report = 101;
    for (module, name, label, model, report_name, kind) in REPORTS {
        if !installed.contains(*module) || fx.fields_get(model).is_none() {
            continue;
        }
        let model_id = fx
            .ir_model(model)
            .and_then(|r| r.get("id"))
            .cloned()
            .unwrap_or(Value::Bool(false));
        let rec = json!({"id": next_report, "name": label, "type": "ir.actions.report",
            "model": model, "model_id": model_id, "report_name": report_name,
            "report_file": report_name, "report_type": kind, "binding_type": "report",
            "binding_model_id": model_id, "attachment_use": false, "multi": false,
            "xml_id": format!("{module}.{name}")});
        next_report += 1;
        let id = add(store, "ir.actions.report", obj(rec.clone()));
        add(store, "ir.actions.actions", obj(rec));
        xmlids.push(((*module).into(), (*name).into(), "ir.actions.report", id));
    }

    for (i, (module, name, label, model, n, unit)) in CRONS.iter().enumerate() {
        if !installed.contains(*module) {
            continue;
        }
        let model_id = fx
            .ir_model(model)
            .and_then(|r| r.get("id"))
            .cloned()
            .unwrap_or(Value::Bool(false));
        let id = add(
            store,
            "ir.cron",
            obj(
                json!({"id": i + 1, "name": label, "cron_name": label, "model_id": model_id,
                "model_name": model, "state": "code", "type": "ir.actions.server",
                "usage": "ir_cron", "binding_type": "action", "user_id": 1, "active": true,
                "interval_number": n, "interval_type": unit, "numbercall": -1, "priority": 5,
                "nextcall": "2026-12-06 03:00:00", "code": "model._run()"}),
            ),
        );
        xmlids.push(((*module).into(), (*name).into(), "ir.cron", id));
    }

    for (name, model, id) in user_xmlids(version) {
        xmlids.push(("base".into(), name.into(), model, id));
    }
    // every model's own external id (`base.model_res_partner`), from the module defining it
    for row in &fx.ir_models {
        let (Some(model), Some(id)) = (
            row.get("model").and_then(Value::as_str),
            row.get("id").and_then(Value::as_i64),
        ) else {
            continue;
        };
        let module = defining_module(model, row.get("modules").and_then(Value::as_str));
        xmlids.push((
            module,
            format!("model_{}", model.replace('.', "_")),
            "ir.model",
            id,
        ));
    }

    add_images(fx, store);

    let data = store.model_mut("ir.model.data");
    let taken: BTreeSet<(String, String)> = data
        .records
        .values()
        .filter_map(|r| {
            Some((
                r.get("module")?.as_str()?.into(),
                r.get("name")?.as_str()?.into(),
            ))
        })
        .collect();
    for (module, name, model, res_id) in xmlids {
        if taken.contains(&(module.clone(), name.clone())) {
            continue;
        }
        let id = data.allocate_id();
        data.records.insert(
            id,
            obj(
                json!({"id": id, "module": module, "name": name, "model": model,
                "res_id": res_id, "noupdate": false, "complete_name": format!("{module}.{name}"),
                "reference": format!("{model},{res_id}"),
                "display_name": format!("{module}.{name}")}),
            ),
        );
    }
    data.touch();
}

/// `ir.model.data.check_object_reference(module, xml_id)`: `[model, id]` of an external id
/// whose record exists, else the `ValueError` Odoo raises.
pub(crate) fn check_object_reference(
    orm: &Orm,
    module: &str,
    name: &str,
) -> Result<Value, OdooError> {
    let found = orm.store.records("ir.model.data").and_then(|rows| {
        rows.values().find(|r| {
            r.get("module").and_then(Value::as_str) == Some(module)
                && r.get("name").and_then(Value::as_str) == Some(name)
        })
    });
    let target = found.and_then(|r| {
        let model = r.get("model")?.as_str()?.to_string();
        let id = r.get("res_id")?.as_i64()?;
        orm.store.get(&model, id).is_some().then_some((model, id))
    });
    match target {
        Some((model, id)) => Ok(json!([model, id])),
        None => Err(orm.errors().value_error(&format!(
            "External ID not found in the system: {module}.{name}"
        ))),
    }
}

/// `base.language.install.lang_install()`: activate the wizard's languages and answer the
/// wizard's own form again (Odoo 16-19 `base/wizard/base_language_install.py`).
pub(crate) fn lang_install(orm: &mut Orm, ids: &[i64]) -> Result<Value, OdooError> {
    let model = "base.language.install";
    let Some(&id) = ids.first().filter(|_| ids.len() == 1) else {
        return Err(orm.errors().value_error(&format!(
            "Expected singleton: {model}({})",
            ids.iter()
                .map(|i| format!("{i},"))
                .collect::<Vec<_>>()
                .join(" ")
        )));
    };
    let Some(wizard) = orm.store.get(model, id).cloned() else {
        return Err(orm.errors().missing(orm.env.via, model, id, orm.env.uid));
    };
    let langs: Vec<i64> = match wizard.get("lang_ids") {
        Some(Value::Array(ids)) => ids.iter().filter_map(Value::as_i64).collect(),
        _ => Vec::new(),
    };
    let data = orm.store.model_mut("res.lang");
    for lang in &langs {
        if let Some(rec) = data.records.get_mut(lang) {
            rec.insert("active".into(), Value::Bool(true));
        }
    }
    data.touch();
    Ok(json!({
        "name": "Language Pack",
        "view_mode": "form",
        "view_id": false,
        "res_model": model,
        "domain": [],
        "context": {"active_ids": [id]},
        "type": "ir.actions.act_window",
        "target": "new",
        "res_id": id,
    }))
}

/// The apps (`application = True` in their manifest) among the recorded modules.
const APPLICATIONS: &[&str] = &[
    "account",
    "calendar",
    "contacts",
    "crm",
    "event",
    "fleet",
    "hr",
    "mail",
    "mrp",
    "project",
    "purchase",
    "sale_management",
    "stock",
];

fn installed_modules(fx: &Fixtures) -> BTreeSet<String> {
    let mut modules: BTreeSet<String> = fx
        .ir_models
        .iter()
        .filter_map(|r| r.get("modules").and_then(Value::as_str))
        .flat_map(|m| m.split(','))
        .map(|m| m.trim().to_string())
        .filter(|m| !m.is_empty())
        .collect();
    modules.insert("base".into());
    modules.insert("web".into());
    modules
}

/// `(module, model)` for each model, by its defining module (see [`defining_module`]).
fn models_by_module(fx: &Fixtures) -> Vec<(String, String)> {
    fx.ir_models
        .iter()
        .filter_map(|r| {
            let model = r.get("model")?.as_str()?;
            let module = defining_module(model, r.get("modules").and_then(Value::as_str));
            Some((module, model.to_string()))
        })
        .collect()
}

/// The module that defines `model`, guessed from `ir.model`'s `modules` (every module that
/// defines or extends it, alphabetically): the one named like the model (`sale_order` or
/// `sale` for `sale.order`), else `base` when it is among them (base never extends another
/// module's model), else the first.
fn defining_module(model: &str, modules: Option<&str>) -> String {
    let list: Vec<&str> = modules
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|m| !m.is_empty())
        .collect();
    let parts: Vec<&str> = model.split('.').collect();
    for n in (1..=parts.len()).rev() {
        let candidate = parts[..n].join("_");
        if list.contains(&candidate.as_str()) {
            return candidate;
        }
    }
    if list.is_empty() || list.contains(&"base") {
        return "base".into();
    }
    list[0].to_string()
}

/// `sale_management` → `Sale Management`.
fn title(module: &str) -> String {
    module
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().collect::<String>() + c.as_str())
                .unwrap_or_default()
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The recorded `res.partner.image_128` values (`records/res.partner.read.image_128.json`),
/// merged into the partners they belong to (stored with their recorded name when the recorded
/// `search_read` stopped before them).
fn add_images(fx: &Fixtures, store: &mut Store) {
    let path = fx
        .dir
        .join("records")
        .join("res.partner.read.image_128.json");
    let Ok(text) = std::fs::read_to_string(path) else {
        return;
    };
    let Ok(Value::Array(rows)) = serde_json::from_str::<Value>(&text) else {
        return;
    };
    let data = store.model_mut("res.partner");
    for row in rows {
        let (Some(id), Some(image)) = (row["id"].as_i64(), row.get("image_128")) else {
            continue;
        };
        match data.records.get_mut(&id) {
            Some(rec) => {
                rec.entry("image_128").or_insert_with(|| image.clone());
            }
            // a partner past the recorded search_read's rows: what the recording shows of it
            None => {
                let name = row.get("name").cloned().unwrap_or(Value::Bool(false));
                data.records.insert(
                    id,
                    obj(json!({"id": id, "name": name, "complete_name": name,
                        "display_name": name, "active": true, "image_128": image})),
                );
                data.next_id = data.next_id.max(id + 1);
            }
        }
    }
    data.touch();
}
