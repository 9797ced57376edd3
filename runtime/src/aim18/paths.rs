//! Where each aiM18 service lives, which of those paths an official page
//! shows, and the caller's overrides
//! ([`super::Aim18ClientBuilder::service_path`]).

use super::client::PathFamily;

/// One aiM18 service, for [`super::Aim18ClientBuilder::service_path`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// The create service (empty entity template).
    Create,
    Read,
    /// Save of a full SqlEntity.
    Save,
    /// Save of the simplified entity JSON.
    SaveSimplified,
    Delete,
    /// Get ID by code.
    IdByCode,
    Search,
}

impl Service {
    pub const ALL: &'static [Service] = &[
        Service::Create,
        Service::Read,
        Service::Save,
        Service::SaveSimplified,
        Service::Delete,
        Service::IdByCode,
        Service::Search,
    ];

    /// The path this client calls by default, with `{module}` and `{menuCode}`
    /// placeholders, relative to the server's base URL.
    pub fn default_path(self, family: PathFamily) -> &'static str {
        match (family, self) {
            (_, Service::Search) => "jsf/rfws/search/search",
            // The simplified save is documented as entity/s/save; the root/api
            // family sends it as the body of root/api/save (third-party notes).
            (PathFamily::Entity, Service::SaveSimplified) => "jsf/rfws/entity/s/save/{module}",
            (PathFamily::Entity, Service::Create) => "jsf/rfws/entity/create/{module}",
            (PathFamily::Entity, Service::Read) => "jsf/rfws/entity/read/{module}",
            (PathFamily::Entity, Service::Save) => "jsf/rfws/entity/save/{module}",
            (PathFamily::Entity, Service::Delete) => "jsf/rfws/entity/delete/{module}",
            (PathFamily::Entity, Service::IdByCode) => "jsf/rfws/entity/getIdByCode/{module}",
            (PathFamily::RootApi, Service::Create) => "jsf/rfws/root/api/create/{menuCode}",
            (PathFamily::RootApi, Service::Read) => "jsf/rfws/root/api/read/{menuCode}",
            (PathFamily::RootApi, Service::Save | Service::SaveSimplified) => {
                "jsf/rfws/root/api/save/{menuCode}"
            }
            (PathFamily::RootApi, Service::Delete) => "jsf/rfws/root/api/delete/{menuCode}",
            (PathFamily::RootApi, Service::IdByCode) => "jsf/rfws/root/api/getIdByCode/{menuCode}",
        }
    }

    /// Whether an official aiM18/M18 page shows this service at its default
    /// path. Confirmed: `entity/create`, `entity/read`, `entity/s/save`
    /// (aim18doc "Core services", "Create/Modify Module Data" tutorials),
    /// `search/search`, `root/api/read` (aim18doc Journal Voucher "Load").
    /// `entity/save` is used by a real third-party Java client. The rest
    /// (`entity/delete`, `entity/getIdByCode`, `root/api/create`,
    /// `root/api/save`, `root/api/delete`, `root/api/getIdByCode`) are this
    /// crate's guesses or third-party notes only.
    pub fn is_confirmed(self, family: PathFamily) -> bool {
        matches!(
            (family, self),
            (_, Service::Search)
                | (PathFamily::Entity, Service::Create)
                | (PathFamily::Entity, Service::Read)
                | (PathFamily::Entity, Service::Save)
                | (PathFamily::Entity, Service::SaveSimplified)
                | (PathFamily::RootApi, Service::Read)
        )
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Service::Create => "Create",
            Service::Read => "Read",
            Service::Save => "Save",
            Service::SaveSimplified => "SaveSimplified",
            Service::Delete => "Delete",
            Service::IdByCode => "IdByCode",
            Service::Search => "Search",
        }
    }
}

/// Path segments of `template` with `{module}` and `{menuCode}` filled in.
pub(crate) fn fill(template: &str, module: &str, menu_code: &str) -> Vec<String> {
    template
        .trim_matches('/')
        .split('/')
        .filter(|s| !s.is_empty())
        .map(|s| match s {
            "{module}" => module.to_string(),
            "{menuCode}" => menu_code.to_string(),
            other => other.to_string(),
        })
        .collect()
}
