//! Where tokens are kept between runs.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use super::oauth::{StoredTokens, TokenSet};
use crate::error::{Error, ErrorKind, Result};

/// Keeps one identity's tokens (one server, application and user). The client
/// loads them on connect and saves them after every grant and refresh.
#[async_trait]
pub trait TokenStore: Send + Sync + fmt::Debug {
    async fn load(&self) -> Result<Option<TokenSet>>;
    async fn save(&self, tokens: &TokenSet) -> Result<()>;
    async fn clear(&self) -> Result<()>;
}

/// Tokens in memory only (the default): lost when the process ends. Clones
/// share the same slot.
#[derive(Debug, Clone, Default)]
pub struct MemoryTokenStore {
    slot: Arc<Mutex<Option<TokenSet>>>,
}

impl MemoryTokenStore {
    pub fn new() -> Self {
        Self::default()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<TokenSet>> {
        self.slot.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[async_trait]
impl TokenStore for MemoryTokenStore {
    async fn load(&self) -> Result<Option<TokenSet>> {
        Ok(self.lock().clone())
    }

    async fn save(&self, tokens: &TokenSet) -> Result<()> {
        *self.lock() = Some(tokens.clone());
        Ok(())
    }

    async fn clear(&self) -> Result<()> {
        *self.lock() = None;
        Ok(())
    }
}

/// Tokens in a JSON file readable by its owner only (mode 0600 on Unix).
///
/// Writes go to a temporary file in the same directory (created 0600), are
/// fsynced, then renamed over the target, so a crash leaves either the old or
/// the new tokens, never half a file, and the tokens are never briefly readable
/// by others.
#[derive(Debug, Clone)]
pub struct FileTokenStore {
    path: PathBuf,
}

impl FileTokenStore {
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FileTokenStore { path: path.into() }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::new(
        ErrorKind::Config,
        format!("token store {}: {what}: {e}", path.display()),
    )
    .with_source(e)
}

fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "tokens".into());
    let mut suffix = [0u8; 6];
    // Uniqueness only; a clash makes create_new fail and is reported.
    let _ = getrandom::fill(&mut suffix);
    let hex: String = suffix.iter().map(|b| format!("{b:02x}")).collect();
    let tmp = dir.join(format!(".{name}.{hex}.tmp"));
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let result = (|| {
        let mut f = opts
            .open(&tmp)
            .map_err(|e| io_error("create temporary file", &tmp, e))?;
        f.write_all(bytes).map_err(|e| io_error("write", &tmp, e))?;
        f.sync_all().map_err(|e| io_error("fsync", &tmp, e))?;
        drop(f);
        std::fs::rename(&tmp, path).map_err(|e| io_error("rename", path, e))?;
        // Make the rename itself durable. Not every platform can open a
        // directory, so failure here is not an error.
        if let Ok(d) = std::fs::File::open(&dir) {
            let _ = d.sync_all();
        }
        Ok(())
    })();
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

#[async_trait]
impl TokenStore for FileTokenStore {
    async fn load(&self) -> Result<Option<TokenSet>> {
        let path = self.path.clone();
        let bytes = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(io_error("read", &path, e)),
        };
        // The serde error could quote the file's content: keep only its position.
        let stored: StoredTokens = serde_json::from_slice(&bytes).map_err(|e| {
            Error::new(
                ErrorKind::Decode,
                format!(
                    "token store {}: not a token file (line {}, column {})",
                    path.display(),
                    e.line(),
                    e.column()
                ),
            )
        })?;
        Ok(Some(TokenSet::from_stored(stored)))
    }

    async fn save(&self, tokens: &TokenSet) -> Result<()> {
        let bytes = serde_json::to_vec_pretty(&tokens.to_stored())
            .map_err(|e| Error::new(ErrorKind::Config, format!("token store: {e}")))?;
        let path = self.path.clone();
        tokio::task::spawn_blocking(move || write_atomically(&path, &bytes))
            .await
            .map_err(|e| Error::new(ErrorKind::Config, format!("token store: {e}")))?
    }

    async fn clear(&self) -> Result<()> {
        match tokio::fs::remove_file(&self.path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error("remove", &self.path, e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::oauth::{AccessToken, RefreshToken};
    use super::*;
    use std::time::Duration;

    #[tokio::test]
    async fn file_store_round_trip_with_0600() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("tokens.json");
        let store = FileTokenStore::new(&path);
        assert!(store.load().await.unwrap().is_none());
        let t = TokenSet::new(AccessToken::new("acc"))
            .with_refresh_token(RefreshToken::new("ref"))
            .with_expires_in(Duration::from_secs(60));
        store.save(&t).await.unwrap();
        store.save(&t).await.unwrap();
        let back = store.load().await.unwrap().unwrap();
        assert_eq!(back.access_token().expose_secret(), "acc");
        assert_eq!(back.refresh_token().unwrap().expose_secret(), "ref");
        assert!(back.expires_at().is_some());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        // Only the target remains: no temporary files left behind.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        std::fs::write(&path, b"{\"access_token\": \"leak-me\"").unwrap();
        let e = store.load().await.unwrap_err();
        assert!(!format!("{e} {e:?}").contains("leak-me"));
        store.clear().await.unwrap();
        store.clear().await.unwrap();
        assert!(store.load().await.unwrap().is_none());
    }

    #[tokio::test]
    async fn memory_store_is_shared_by_clones() {
        let a = MemoryTokenStore::new();
        let b = a.clone();
        a.save(&TokenSet::new(AccessToken::new("x"))).await.unwrap();
        assert!(b.load().await.unwrap().is_some());
        b.clear().await.unwrap();
        assert!(a.load().await.unwrap().is_none());
    }
}
