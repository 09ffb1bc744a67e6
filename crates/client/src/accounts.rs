//! The account registry: non-secret facts about every account signed in on this
//! device (server, user id, name, email, username, avatar, when added and last used,
//! whether its sign-in has ended) and which one is active. Kept as `accounts.json`
//! in the data folder, replaced atomically so a crash never leaves half a file.
//! Tokens are not here; they are in the vault under the same account id.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::auth::discovery::Endpoints;
use crate::clock::UnixTime;
use crate::error::{Error, Result};

/// One account on this device.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Account {
    /// `{issuer}#{user id}`: unique across servers, and the vault key.
    pub id: String,
    pub issuer: String,
    pub user_id: String,
    pub email: Option<String>,
    pub username: Option<String>,
    pub name: Option<String>,
    pub email_verified: bool,
    pub avatar_url: Option<String>,
    pub added_at: UnixTime,
    pub last_used_at: UnixTime,
    /// The server ended this sign-in (expired, revoked, signed out elsewhere): the
    /// account stays listed, with its local data, until the person signs in again
    /// or removes it.
    pub signed_out: bool,
    pub endpoints: Endpoints,
}

impl Account {
    pub fn make_id(issuer: &str, user_id: &str) -> String {
        format!("{issuer}#{user_id}")
    }

    /// What to call the account in lists: name, then username, then email.
    pub fn display_name(&self) -> &str {
        self.name
            .as_deref()
            .or(self.username.as_deref())
            .or(self.email.as_deref())
            .unwrap_or(&self.user_id)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registry {
    pub active: Option<String>,
    pub accounts: Vec<Account>,
}

impl Registry {
    pub fn find(&self, id: &str) -> Option<&Account> {
        self.accounts.iter().find(|account| account.id == id)
    }

    /// Resolves what a person typed: an account id, email, username or a unique prefix of the id.
    pub fn resolve(&self, query: &str) -> Result<&Account> {
        let query_lower = query.to_lowercase();
        let matches: Vec<&Account> = self
            .accounts
            .iter()
            .filter(|account| {
                account.id == query
                    || account
                        .email
                        .as_deref()
                        .is_some_and(|e| e.to_lowercase() == query_lower)
                    || account
                        .username
                        .as_deref()
                        .is_some_and(|u| u.to_lowercase() == query_lower)
            })
            .collect();
        match matches.as_slice() {
            [one] => Ok(one),
            _ => Err(Error::UnknownAccount(query.to_owned())),
        }
    }

    /// Adds `account`, or updates the one with the same id (signing in again as an
    /// account already here never duplicates it).
    pub fn upsert(&mut self, mut account: Account) {
        match self
            .accounts
            .iter_mut()
            .find(|existing| existing.id == account.id)
        {
            Some(existing) => {
                account.added_at = existing.added_at;
                *existing = account;
            }
            None => self.accounts.push(account),
        }
    }

    /// Removes account `id`. When it was the active one, the signed-in account used
    /// most recently takes its place (as a browser's profile switcher does), so
    /// signing out of one of several accounts leaves the person in another, not in
    /// none; with no signed-in account left, none is active.
    pub fn remove(&mut self, id: &str) {
        self.accounts.retain(|account| account.id != id);
        if self.active.as_deref() == Some(id) {
            self.active = self
                .accounts
                .iter()
                .filter(|account| !account.signed_out)
                .max_by_key(|account| account.last_used_at)
                .map(|account| account.id.clone());
        }
    }
}

/// Reads and writes the registry file.
pub struct RegistryFile {
    path: PathBuf,
}

impl RegistryFile {
    pub fn new(data_dir: &Path) -> Self {
        Self {
            path: data_dir.join("accounts.json"),
        }
    }

    fn local_error(&self, reason: impl std::fmt::Display) -> Error {
        Error::LocalData {
            path: self.path.display().to_string(),
            reason: reason.to_string(),
        }
    }

    /// The registry; empty when the file does not exist yet.
    pub fn load(&self) -> Result<Registry> {
        match std::fs::read(&self.path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|error| {
                self.local_error(format!(
                    "unreadable ({error}); move it away to start afresh"
                ))
            }),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => Ok(Registry::default()),
            Err(error) => Err(self.local_error(error)),
        }
    }

    /// Replaces the file: write a uniquely named temporary sibling (mode 0600, so two
    /// processes saving at once never write into one file), flush it to disk, rename
    /// over. A new data folder is made private to its owner (0700).
    pub fn save(&self, registry: &Registry) -> Result<()> {
        use std::io::Write as _;
        let folder = self.path.parent().unwrap_or(Path::new("."));
        create_private_folder(folder).map_err(|error| self.local_error(error))?;
        let json = serde_json::to_vec_pretty(registry).map_err(|error| self.local_error(error))?;
        let mut temporary = tempfile::Builder::new()
            .prefix(".accounts.")
            .suffix(".tmp")
            .tempfile_in(folder)
            .map_err(|error| self.local_error(error))?;
        temporary
            .write_all(&json)
            .and_then(|()| temporary.as_file().sync_all())
            .map_err(|error| self.local_error(error))?;
        temporary
            .persist(&self.path)
            .map(drop)
            .map_err(|error| self.local_error(error.error))
    }
}

/// Creates `folder` (and its parents) readable only by its owner where it is new.
fn create_private_folder(folder: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(folder)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_file_is_private_to_its_owner_and_no_temporary_is_left() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("courier");
        let file = RegistryFile::new(&folder);
        file.save(&Registry::default()).unwrap();
        file.save(&Registry::default()).unwrap();
        let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode(&folder.join("accounts.json")), 0o600);
        assert_eq!(mode(&folder), 0o700);
        let names: Vec<_> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name())
            .collect();
        assert_eq!(names, ["accounts.json"]);
    }

    fn account(issuer: &str, user: &str, email: &str) -> Account {
        Account {
            id: Account::make_id(issuer, user),
            issuer: issuer.into(),
            user_id: user.into(),
            email: Some(email.into()),
            username: Some(user.into()),
            name: None,
            email_verified: true,
            avatar_url: None,
            added_at: 1,
            last_used_at: 1,
            signed_out: false,
            endpoints: Endpoints {
                issuer: issuer.into(),
                authorization: format!("{issuer}/a"),
                token: format!("{issuer}/t"),
                userinfo: None,
                revocation: None,
                iss_in_authorization_response: true,
            },
        }
    }

    #[test]
    fn upsert_updates_instead_of_duplicating_and_keeps_the_first_added_time() {
        let mut registry = Registry::default();
        registry.upsert(account("https://a", "u1", "ada@example.com"));
        let mut again = account("https://a", "u1", "ada@new.example.com");
        again.added_at = 50;
        registry.upsert(again);
        registry.upsert(account("https://b", "u1", "ada@example.com"));
        assert_eq!(
            registry.accounts.len(),
            2,
            "same user id on another server is another account"
        );
        assert_eq!(
            registry.accounts[0].email.as_deref(),
            Some("ada@new.example.com")
        );
        assert_eq!(registry.accounts[0].added_at, 1);
    }

    #[test]
    fn resolve_by_email_username_or_id_and_refuse_ambiguity() {
        let mut registry = Registry::default();
        registry.upsert(account("https://a", "ada", "ada@example.com"));
        registry.upsert(account("https://b", "ada", "ada@example.com"));
        registry.upsert(account("https://a", "grace", "grace@example.com"));
        assert_eq!(
            registry.resolve("GRACE@example.com").unwrap().user_id,
            "grace"
        );
        assert_eq!(
            registry.resolve("https://b#ada").unwrap().issuer,
            "https://b"
        );
        assert!(registry.resolve("ada").is_err(), "two accounts match");
        assert!(registry.resolve("nobody").is_err());
    }

    #[test]
    fn removing_the_active_account_makes_the_signed_in_one_used_last_active() {
        let mut registry = Registry::default();
        let mut older = account("https://a", "older", "older@example.com");
        older.last_used_at = 10;
        let mut newer = account("https://a", "newer", "newer@example.com");
        newer.last_used_at = 20;
        let mut ended = account("https://a", "ended", "ended@example.com");
        ended.last_used_at = 30;
        ended.signed_out = true;
        let leaving = account("https://a", "leaving", "leaving@example.com");
        for each in [older.clone(), newer.clone(), ended, leaving.clone()] {
            registry.upsert(each);
        }

        registry.active = Some(older.id.clone());
        registry.remove(&leaving.id);
        assert_eq!(
            registry.active,
            Some(older.id.clone()),
            "another account's removal changes nothing"
        );

        registry.active = Some(leaving.id.clone());
        registry.upsert(leaving.clone());
        registry.remove(&leaving.id);
        assert_eq!(
            registry.active,
            Some(newer.id.clone()),
            "not the signed-out one, though used later"
        );

        registry.remove(&newer.id);
        assert_eq!(registry.active, Some(older.id.clone()));
        registry.remove(&older.id);
        assert_eq!(registry.active, None, "only a signed-out account is left");
    }

    #[test]
    fn save_and_load_round_trip_and_a_damaged_file_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let file = RegistryFile::new(dir.path());
        assert_eq!(file.load().unwrap(), Registry::default());
        let mut registry = Registry::default();
        registry.upsert(account("https://a", "u1", "ada@example.com"));
        registry.active = Some("https://a#u1".into());
        file.save(&registry).unwrap();
        assert_eq!(file.load().unwrap(), registry);
        std::fs::write(dir.path().join("accounts.json"), b"{ half").unwrap();
        assert_eq!(file.load().unwrap_err().kind(), "local_data");
    }
}
