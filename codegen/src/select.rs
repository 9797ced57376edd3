//! Which models to fetch or generate: exact names, globs (`purchase.*`, `sale.order*`,
//! `*.line`, `res.partner?`), and Odoo apps (modules) such as `purchase`.
//!
//! A model is selected when any pattern matches its technical name or any app is among the
//! modules that define or extend it (`ir.model.modules`; so `purchase` selects
//! `purchase.order` and also `res.partner`, which purchase extends). With neither, every model
//! is selected. The same syntax serves `codegen fetch odoo --models/--apps`,
//! `codegen generate --models/--apps` and [`crate::Builder::odoo_models`] /
//! [`crate::Builder::odoo_apps`].

use crate::error::{Error, Result};

/// `*` matches any run of characters (dots included), `?` exactly one; everything else,
/// `.` included, matches itself. Case-sensitive, as Odoo's names are.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    // Iterative matching with one backtrack point for the last `*` (linear in practice).
    let (mut pi, mut ni) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some('?') => {
                pi += 1;
                ni += 1;
            }
            Some(c) if *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

/// Model patterns and app names.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Selection {
    pub patterns: Vec<String>,
    pub apps: Vec<String>,
}

impl Selection {
    /// From lists whose items may themselves be comma-separated (`--models a,b --models c`);
    /// blanks are dropped.
    pub fn new<P, A>(patterns: P, apps: A) -> Selection
    where
        P: IntoIterator,
        P::Item: AsRef<str>,
        A: IntoIterator,
        A::Item: AsRef<str>,
    {
        fn split<I>(items: I) -> Vec<String>
        where
            I: IntoIterator,
            I::Item: AsRef<str>,
        {
            items
                .into_iter()
                .flat_map(|s| {
                    s.as_ref()
                        .split(',')
                        .map(str::trim)
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect::<Vec<_>>()
                })
                .collect()
        }
        Selection {
            patterns: split(patterns),
            apps: split(apps),
        }
    }

    /// Patterns only, no apps.
    pub fn models<P>(patterns: P) -> Selection
    where
        P: IntoIterator,
        P::Item: AsRef<str>,
    {
        Selection::new(patterns, std::iter::empty::<&str>())
    }

    /// Selects every model.
    pub fn is_all(&self) -> bool {
        self.patterns.is_empty() && self.apps.is_empty()
    }

    /// Whether the model `name`, defined or extended by `modules`, is selected.
    pub fn selects<S: AsRef<str>>(&self, name: &str, modules: &[S]) -> bool {
        self.is_all()
            || self.patterns.iter().any(|p| glob_match(p, name))
            || self
                .apps
                .iter()
                .any(|a| modules.iter().any(|m| m.as_ref() == a))
    }

    /// Fail, naming them, when some pattern or app selects none of `models` (name and
    /// modules): a typo should not quietly give a smaller schema.
    pub fn check_all_used<'a, S, I>(&self, what: &str, models: I) -> Result<()>
    where
        S: AsRef<str> + 'a,
        I: IntoIterator<Item = (&'a str, &'a [S])> + Clone,
    {
        let mut unused = Vec::new();
        for p in &self.patterns {
            if !models.clone().into_iter().any(|(n, _)| glob_match(p, n)) {
                unused.push(format!("model pattern `{p}`"));
            }
        }
        for a in &self.apps {
            if !models
                .clone()
                .into_iter()
                .any(|(_, mods)| mods.iter().any(|m| m.as_ref() == a))
            {
                unused.push(format!("app `{a}`"));
            }
        }
        if unused.is_empty() {
            Ok(())
        } else {
            Err(Error::Input {
                what: what.to_owned(),
                message: format!(
                    "{} matched no model (patterns take `*` and `?`, e.g. `sale.*`; apps are \
                     module names, e.g. `purchase`)",
                    unused.join(", ")
                ),
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        let table = [
            ("res.partner", "res.partner", true),
            ("res.partner", "res.partner.bank", false),
            ("sale.*", "sale.order", true),
            ("sale.*", "sale.order.line", true),
            ("sale.*", "sale", false),
            ("sale.*", "salex.order", false),
            ("sale.order*", "sale.order", true),
            ("sale.order*", "sale.order.line", true),
            ("sale.order*", "sale.orders", true),
            ("*.line", "sale.order.line", true),
            ("*.line", "sale.order.line.x", false),
            ("*line*", "account.move.line.tax", true),
            ("res.partner?", "res.partners", true),
            ("res.partner?", "res.partner", false),
            ("?", "a", true),
            ("*", "", true),
            ("", "", true),
            ("", "a", false),
            ("a*b*c", "aXbYbZc", true),
            ("a*b*c", "aXbYbZ", false),
            ("res.*.bank", "res.partner.bank", true),
            ("res_partner", "res.partner", false),
            ("Res.Partner", "res.partner", false),
            ("x_é*", "x_été", true),
        ];
        for (p, n, want) in table {
            assert_eq!(glob_match(p, n), want, "{p:?} on {n:?}");
        }
    }

    #[test]
    fn patterns_and_apps() {
        let s = Selection::new(["sale.order*, *.tag", ""], ["purchase"]);
        assert_eq!(s.patterns, ["sale.order*", "*.tag"]);
        assert!(s.selects("sale.order.line", &["sale"]));
        assert!(s.selects("crm.tag", &["crm"]));
        assert!(s.selects("res.partner", &["base", "purchase"]));
        assert!(!s.selects("res.partner", &["base", "sale"]));
        assert!(Selection::default().selects::<&str>("anything", &[]));

        let models: Vec<(&str, &[&str])> = vec![
            ("sale.order", &["sale"][..]),
            ("res.partner", &["base", "purchase"][..]),
        ];
        assert!(
            Selection::new(["sale.*"], ["purchase"])
                .check_all_used("x", models.iter().copied())
                .is_ok()
        );
        let e = Selection::new(["sale.*", "purchse.*"], ["purchase", "stok"])
            .check_all_used("codegen fetch odoo", models.iter().copied())
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "codegen fetch odoo: model pattern `purchse.*`, app `stok` matched no model \
             (patterns take `*` and `?`, e.g. `sale.*`; apps are module names, e.g. `purchase`)"
        );
    }
}
