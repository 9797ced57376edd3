//! Which module *defines* a model.
//!
//! `ir.model.modules` lists every module that defines or extends a model,
//! alphabetically, so the definer has to be inferred. The rule, in order:
//!
//! 1. an explicit override (`Builder::module_override`, `--module MODEL=MODULE`)
//!    wins; it is applied after import, on the snapshot;
//! 2. otherwise keep the listed modules that depend on no other listed module
//!    (the minimal ones under the dependency order of [`DEPENDS`], a table of
//!    the standard Odoo 16–19 apps' manifests; a module not in the table is
//!    taken to depend on `base` only). An extension must depend on the module
//!    it extends, so the definer is always minimal; usually it is the only one;
//! 3. among several minimal modules, prefer the one whose name is the longest
//!    prefix of the model name (`crm_iap_mine` for `crm.iap.lead.mining.request`);
//! 4. then the alphabetically first.
//!
//! With no `ir.model` row at all (a bare `fields_get` import), the module is
//! guessed from the model name: `ir.*`, `res.*` and `base*` → `base`, else its
//! first dotted segment.

use std::collections::{BTreeMap, BTreeSet};

/// Direct dependencies of the standard modules found on Odoo 16–19 with the
/// sale, purchase, stock, account, crm, project, hr, contacts, mrp, fleet and
/// event apps installed. Only the order matters, so a dependency that is
/// implied transitively may be omitted.
pub const DEPENDS: &[(&str, &[&str])] = &[
    ("base", &[]),
    ("web", &["base"]),
    ("base_setup", &["web"]),
    ("base_import", &["web"]),
    ("base_import_module", &["web"]),
    ("base_install_request", &["mail"]),
    ("bus", &["web"]),
    ("web_tour", &["web"]),
    ("web_editor", &["web", "bus"]),
    ("html_editor", &["web", "bus"]),
    ("web_hierarchy", &["web"]),
    ("web_kanban_gauge", &["web"]),
    ("web_unsplash", &["web_editor", "html_editor"]),
    ("http_routing", &["web"]),
    ("rpc", &["base"]),
    ("api_doc", &["web"]),
    ("barcodes", &["web"]),
    ("barcodes_gs1_nomenclature", &["barcodes", "uom"]),
    ("uom", &["base"]),
    ("utm", &["web"]),
    ("resource", &["web"]),
    ("onboarding", &["web"]),
    (
        "mail",
        &["base_setup", "bus", "web_tour", "web_editor", "html_editor"],
    ),
    ("mail_bot", &["mail"]),
    ("mail_bot_hr", &["mail_bot", "hr"]),
    ("resource_mail", &["resource", "mail"]),
    ("auth_signup", &["base_setup", "mail"]),
    ("auth_totp", &["web"]),
    ("auth_totp_mail", &["auth_totp", "mail"]),
    ("auth_totp_portal", &["auth_totp", "portal"]),
    ("auth_passkey", &["base_setup", "web"]),
    ("auth_passkey_portal", &["auth_passkey", "portal"]),
    ("google_gmail", &["mail"]),
    ("microsoft_outlook", &["mail"]),
    ("phone_validation", &["mail"]),
    ("iap", &["web", "base_setup"]),
    ("iap_mail", &["iap", "mail"]),
    ("sms", &["iap_mail", "phone_validation"]),
    ("snailmail", &["iap_mail"]),
    ("portal", &["http_routing", "mail", "auth_signup"]),
    ("rating", &["mail"]),
    ("portal_rating", &["portal", "rating"]),
    ("digest", &["mail", "portal", "resource"]),
    ("privacy_lookup", &["mail"]),
    ("partner_autocomplete", &["iap_mail"]),
    ("contacts", &["mail"]),
    ("calendar", &["mail"]),
    ("calendar_sms", &["calendar", "sms"]),
    ("spreadsheet", &["bus", "web", "portal"]),
    ("spreadsheet_dashboard", &["spreadsheet"]),
    ("product", &["mail", "uom"]),
    ("analytic", &["mail", "uom"]),
    ("payment", &["onboarding", "portal"]),
    (
        "account",
        &[
            "base_setup",
            "onboarding",
            "product",
            "analytic",
            "portal",
            "digest",
        ],
    ),
    ("account_payment", &["account", "payment"]),
    ("account_edi", &["account"]),
    ("account_edi_ubl_cii", &["account"]),
    ("account_add_gln", &["account_edi_ubl_cii"]),
    ("account_check_printing", &["account"]),
    ("account_payment_term", &["account"]),
    ("account_sequence", &["account"]),
    (
        "account_payment_invoice_online_payment_patch",
        &["account_payment"],
    ),
    ("snailmail_account", &["account", "snailmail"]),
    ("spreadsheet_account", &["spreadsheet", "account"]),
    (
        "spreadsheet_dashboard_account",
        &["spreadsheet_dashboard", "account"],
    ),
    ("l10n_generic_coa", &["account"]),
    ("l10n_us", &["base"]),
    ("l10n_us_account", &["l10n_us", "account"]),
    ("sales_team", &["mail"]),
    ("sale", &["sales_team", "account_payment", "utm"]),
    ("sale_management", &["sale", "digest"]),
    ("sale_async_emails", &["sale"]),
    ("sale_edi_ubl", &["sale", "account_edi_ubl_cii"]),
    ("sale_pdf_quote_builder", &["sale_management"]),
    ("sale_product_configurator", &["sale"]),
    ("sale_sms", &["sale", "sms"]),
    (
        "spreadsheet_dashboard_sale",
        &["spreadsheet_dashboard", "sale"],
    ),
    (
        "crm",
        &[
            "sales_team",
            "calendar",
            "resource",
            "utm",
            "contacts",
            "digest",
            "phone_validation",
        ],
    ),
    ("crm_sms", &["crm", "sms"]),
    ("iap_crm", &["crm", "iap_mail"]),
    ("crm_iap_enrich", &["iap_crm"]),
    ("crm_iap_mine", &["iap_crm"]),
    ("sale_crm", &["sale", "crm"]),
    ("purchase", &["account"]),
    (
        "purchase_edi_ubl_bis3",
        &["purchase", "account_edi_ubl_cii"],
    ),
    (
        "spreadsheet_dashboard_purchase",
        &["spreadsheet_dashboard", "purchase"],
    ),
    ("stock", &["product", "barcodes_gs1_nomenclature", "digest"]),
    ("stock_sms", &["stock", "sms"]),
    ("stock_account", &["stock", "account"]),
    (
        "spreadsheet_dashboard_stock_account",
        &["spreadsheet_dashboard", "stock_account"],
    ),
    ("purchase_stock", &["purchase", "stock_account"]),
    ("purchase_price_diff", &["purchase_stock"]),
    (
        "spreadsheet_dashboard_purchase_stock",
        &["spreadsheet_dashboard_purchase", "purchase_stock"],
    ),
    ("sale_stock", &["sale", "stock_account"]),
    ("sale_purchase", &["sale", "purchase"]),
    (
        "sale_purchase_stock",
        &["sale_purchase", "sale_stock", "purchase_stock"],
    ),
    ("sale_service", &["sale"]),
    ("mrp", &["product", "stock", "resource"]),
    ("mrp_account", &["mrp", "stock_account"]),
    ("purchase_mrp", &["mrp", "purchase_stock"]),
    ("sale_mrp", &["mrp", "sale_stock"]),
    (
        "hr",
        &[
            "base_setup",
            "mail",
            "resource",
            "digest",
            "phone_validation",
        ],
    ),
    ("hr_calendar", &["hr", "calendar"]),
    ("hr_org_chart", &["hr"]),
    ("hr_skills", &["hr"]),
    ("hr_homeworking", &["hr"]),
    (
        "hr_homeworking_calendar",
        &["hr_homeworking", "hr_calendar"],
    ),
    ("hr_skills_event", &["hr_skills", "event"]),
    ("fleet", &["mail"]),
    ("hr_fleet", &["hr", "fleet"]),
    ("account_fleet", &["account", "fleet"]),
    (
        "project",
        &[
            "analytic",
            "base_setup",
            "mail",
            "portal",
            "rating",
            "resource",
            "web",
            "digest",
        ],
    ),
    ("project_todo", &["project"]),
    ("project_sms", &["project", "sms"]),
    ("project_account", &["project", "account"]),
    ("project_hr_skills", &["project", "hr_skills"]),
    ("project_stock", &["project", "stock"]),
    ("project_stock_account", &["project_stock", "stock_account"]),
    ("project_purchase", &["project_account", "purchase"]),
    (
        "project_purchase_stock",
        &["project_purchase", "project_stock", "purchase_stock"],
    ),
    ("project_mrp", &["project", "mrp"]),
    ("project_mrp_account", &["project_mrp", "mrp_account"]),
    ("project_mrp_sale", &["project_mrp", "sale_project"]),
    (
        "sale_project",
        &["sale_management", "project_account", "sale_service"],
    ),
    (
        "sale_project_stock",
        &["sale_project", "sale_stock", "project_stock"],
    ),
    (
        "sale_project_stock_account",
        &["sale_project_stock", "project_stock_account"],
    ),
    (
        "sale_purchase_project",
        &["sale_purchase", "sale_project", "project_purchase"],
    ),
    (
        "event",
        &[
            "base_setup",
            "mail",
            "portal",
            "utm",
            "barcodes",
            "phone_validation",
        ],
    ),
    ("event_sms", &["event", "sms"]),
    ("event_product", &["event", "product"]),
    ("event_sale", &["event_product", "sale_management"]),
    ("event_crm", &["event", "crm"]),
    ("event_crm_sale", &["event_crm", "event_sale"]),
    (
        "spreadsheet_dashboard_event_sale",
        &["spreadsheet_dashboard", "event_sale"],
    ),
];

/// Transitive dependencies of each module in [`DEPENDS`], computed once per process (per model
/// it was 70% of a whole `codegen fetch odoo`'s CPU in the dev profile).
fn closure() -> &'static BTreeMap<&'static str, BTreeSet<&'static str>> {
    static CLOSURE: std::sync::OnceLock<BTreeMap<&str, BTreeSet<&str>>> =
        std::sync::OnceLock::new();
    CLOSURE.get_or_init(compute_closure)
}

fn compute_closure() -> BTreeMap<&'static str, BTreeSet<&'static str>> {
    let direct: BTreeMap<&str, &[&str]> = DEPENDS.iter().copied().collect();
    let mut out = BTreeMap::new();
    for &(module, _) in DEPENDS {
        let mut seen = BTreeSet::new();
        let mut stack = vec![module];
        while let Some(m) = stack.pop() {
            for &d in direct.get(m).copied().unwrap_or(&[]) {
                if seen.insert(d) {
                    stack.push(d);
                }
            }
        }
        out.insert(module, seen);
    }
    out
}

/// Does `a` depend (transitively) on `b`?
fn depends_on(deps: &BTreeMap<&str, BTreeSet<&str>>, a: &str, b: &str) -> bool {
    match deps.get(a) {
        Some(set) => set.contains(b),
        // Unknown modules: every Odoo module depends on base.
        None => b == "base" && a != "base",
    }
}

/// The module that defines `model`, from the `ir.model.modules` list (see the
/// module docs for the rule).
pub fn defining_module(model: &str, modules: &[String]) -> String {
    if modules.is_empty() {
        let first = model.split('.').next().unwrap_or(model);
        return match first {
            "ir" | "res" | "base" | "_unknown" => "base".into(),
            _ => first.to_owned(),
        };
    }
    let deps = closure();
    let minimal: Vec<&String> = modules
        .iter()
        .filter(|m| !modules.iter().any(|o| o != *m && depends_on(deps, m, o)))
        .collect();
    if let [only] = minimal.as_slice() {
        return (*only).clone();
    }
    // Several unrelated candidates: the longest module name that prefixes the model name.
    let snake = model.replace('.', "_");
    let prefix = minimal
        .iter()
        .filter(|m| snake == ***m || snake.starts_with(&format!("{m}_")))
        .max_by_key(|m| m.len());
    match prefix {
        Some(m) => (*m).clone(),
        // `minimal` is never empty: the dependency order has no cycles, so
        // some listed module depends on no other listed one.
        None => minimal
            .iter()
            .min()
            .map(|m| (*m).clone())
            .unwrap_or_else(|| modules[0].clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn def(model: &str, modules: &str) -> String {
        let mods: Vec<String> = modules.split(", ").map(str::to_owned).collect();
        defining_module(model, &mods)
    }

    #[test]
    fn definer_is_the_module_the_others_extend() {
        // Real ir.model rows from Odoo 18.
        let cases = [
            ("crm.team", "crm, sale, sale_crm, sales_team", "sales_team"),
            (
                "res.partner",
                "account, base, contacts, crm, mail, sale, stock, web",
                "base",
            ),
            (
                "account.analytic.applicability",
                "account, analytic, mrp_account, project_stock_account, purchase, sale",
                "analytic",
            ),
            (
                "digest.digest",
                "account, crm, digest, project, sale_management",
                "digest",
            ),
            (
                "payment.provider",
                "account_payment, payment, sale",
                "payment",
            ),
            ("mail.activity", "calendar, crm, mail", "mail"),
            ("fleet.vehicle", "account_fleet, fleet, hr_fleet", "fleet"),
            (
                "purchase.order",
                "project_purchase, project_purchase_stock, purchase, purchase_edi_ubl_bis3, purchase_mrp, purchase_stock, sale_purchase, sale_purchase_stock",
                "purchase",
            ),
            (
                "procurement.group",
                "mrp, purchase_stock, sale_stock, stock",
                "stock",
            ),
            ("rating.rating", "portal_rating, rating", "rating"),
            ("decimal.precision", "account, base, product", "base"),
            ("sale.order", "sale", "sale"),
        ];
        for (model, modules, want) in cases {
            assert_eq!(def(model, modules), want, "{model}");
        }
    }

    #[test]
    fn unknown_modules_fall_back_to_prefix_then_alphabet() {
        assert_eq!(def("x_shop.thing", "zeta_addon, x_shop"), "x_shop");
        assert_eq!(
            def("custom.thing", "zeta_addon, alpha_addon"),
            "alpha_addon"
        );
        // An unknown addon extending a base model does not win over base.
        assert_eq!(def("res.partner", "base, my_addon"), "base");
        assert_eq!(defining_module("res.partner", &[]), "base");
        assert_eq!(defining_module("sale.order", &[]), "sale");
    }

    #[test]
    fn table_has_no_cycles_and_no_dangling_names() {
        let deps = closure();
        let known: BTreeSet<&str> = DEPENDS.iter().map(|(m, _)| *m).collect();
        for (m, ds) in DEPENDS {
            assert!(!deps[m].contains(m), "{m} depends on itself");
            for d in *ds {
                assert!(known.contains(d), "{m} depends on unknown {d}");
            }
        }
    }
}
