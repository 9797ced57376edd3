//! The server's version, detected once at connect.

use serde_json::Value;

/// What `common.version` (or `GET /web/version`) reported.
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerVersion {
    /// Major version, e.g. `17` (also for SaaS builds such as `saas~17.2`).
    pub major: u32,
    /// Minor version, e.g. `0` (`2` for `saas~17.2`).
    pub minor: u32,
    /// The release series, e.g. `"17.0"` or `"saas~17.2"`.
    pub serie: String,
    /// The full version string, e.g. `"17.0+e"`.
    pub version: String,
}

impl ServerVersion {
    /// `true` when the server is at least `major.minor`.
    pub fn at_least(&self, major: u32, minor: u32) -> bool {
        (self.major, self.minor) >= (major, minor)
    }

    /// From `common.version`: `{"server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""], "server_serie": "17.0", ...}`.
    pub(crate) fn from_common_version(v: &Value) -> Option<Self> {
        let info = v.get("server_version_info")?.as_array()?;
        let version = v
            .get("server_version")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let serie = v.get("server_serie").and_then(Value::as_str);
        Self::from_parts(info, version, serie)
    }

    /// From `GET /web/version` (19+): `{"version_info": [19, 0, 0, "final", 0, ""], "version": "19.0"}`.
    pub(crate) fn from_web_version(v: &Value) -> Option<Self> {
        let info = v.get("version_info")?.as_array()?;
        let version = v.get("version").and_then(Value::as_str).unwrap_or_default();
        Self::from_parts(info, version, None)
    }

    fn from_parts(info: &[Value], version: &str, serie: Option<&str>) -> Option<Self> {
        // SaaS builds report the major as a string like "saas~17".
        let major = match info.first()? {
            Value::Number(n) => u32::try_from(n.as_u64()?).ok()?,
            Value::String(s) => s.rsplit('~').next()?.trim().parse().ok()?,
            _ => return None,
        };
        let minor = info
            .get(1)
            .and_then(Value::as_u64)
            .and_then(|n| u32::try_from(n).ok())
            .unwrap_or(0);
        let serie = match serie {
            Some(s) if !s.is_empty() => s.to_owned(),
            _ => format!("{major}.{minor}"),
        };
        let version = if version.is_empty() {
            serie.clone()
        } else {
            version.to_owned()
        };
        Some(ServerVersion {
            major,
            minor,
            serie,
            version,
        })
    }
}

impl std::fmt::Display for ServerVersion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.version)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn parses_recorded_answers() {
        // odoo-17/rpc/common.version.json and odoo-19/rpc/web.version.json
        let v = ServerVersion::from_common_version(&json!({"protocol_version": 1, "server_serie": "17.0", "server_version": "17.0", "server_version_info": [17, 0, 0, "final", 0, ""]})).unwrap();
        assert_eq!(
            (v.major, v.minor, v.serie.as_str(), v.version.as_str()),
            (17, 0, "17.0", "17.0")
        );
        let v = ServerVersion::from_web_version(
            &json!({"version": "19.0", "version_info": [19, 0, 0, "final", 0, ""]}),
        )
        .unwrap();
        assert_eq!((v.major, v.serie.as_str()), (19, "19.0"));
        assert!(v.at_least(19, 0) && !v.at_least(19, 1));
        let v = ServerVersion::from_common_version(&json!({"server_serie": "saas~17.2", "server_version": "saas~17.2+e", "server_version_info": ["saas~17", 2, 0, "final", 0, "e"]})).unwrap();
        assert_eq!((v.major, v.minor), (17, 2));
        assert!(ServerVersion::from_common_version(&json!(false)).is_none());
        assert!(
            ServerVersion::from_common_version(&json!({"server_version_info": [true]})).is_none()
        );
    }
}
