//! Variable lists as stored: a JSON array whose secret values (every value, when the
//! workspace says so) are only ever sealed with [`crate::seal`], bound to their
//! workspace, entity, field and variable name.
//!
//! Without a key ([`Secrets::Unavailable`]) those values are kept in this handle's
//! memory for the session instead and never written. A stored value this session
//! cannot open (no key, or another device's key) reads as empty and is never
//! destroyed by a write that leaves it empty: it stays stored as it was, in case the
//! key comes back. Giving the variable a new value, turning its secrecy off, or
//! removing it replaces it.

use std::collections::{BTreeMap, HashMap};
use std::sync::{Mutex, PoisonError, RwLock};

use serde::{Deserialize, Serialize};

use super::rows::{from_json, to_json};
use super::{Error, Result};
use crate::model::Variable;
use crate::seal::{DataKey, SealPlace, SealedWith, Secrets, sealed_with};

/// Whether secret values reach the disk this session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS), ts(export))]
#[serde(rename_all = "snake_case")]
pub enum SecretsMode {
    /// Written sealed under the device's key.
    Sealed,
    /// No key: kept in memory until the app quits, never written.
    MemoryOnly,
}

/// One variable in its column.
#[derive(Debug, Serialize, Deserialize)]
struct StoredVariable {
    key: String,
    enabled: bool,
    secret: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    value: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    sealed: Option<String>,
}

/// The list a variable column belongs to.
#[derive(Debug, Clone, Copy)]
pub(super) struct Slot<'a> {
    pub workspace_id: &'a str,
    pub entity_id: &'a str,
    pub field: &'a str,
}

impl<'a> Slot<'a> {
    fn place(self, key: &'a str) -> SealPlace<'a> {
        SealPlace {
            workspace_id: self.workspace_id,
            entity_id: self.entity_id,
            field: self.field,
            key,
        }
    }

    fn memory_key(self, key: &str) -> MemoryKey {
        (
            self.workspace_id.to_owned(),
            self.entity_id.to_owned(),
            self.field.to_owned(),
            key.to_owned(),
        )
    }
}

type MemoryKey = (String, String, String, String);

/// A variable column to store.
pub(super) struct Column {
    pub json: String,
    /// Some value went from plaintext to sealed: see [`super::Write::scrub`].
    pub scrub: bool,
}

/// Seals and opens variable columns; holds the session's memory-only values and the
/// synced workspaces' data keys this device has.
pub(super) struct Vault {
    secrets: Secrets,
    memory: Mutex<HashMap<MemoryKey, String>>,
    /// Each synced workspace's data key versions (see `db::workspace_keys`): values of
    /// a workspace that has one are sealed under its newest version.
    workspace_keys: RwLock<HashMap<String, BTreeMap<u32, DataKey>>>,
}

impl Vault {
    pub fn new(secrets: Secrets) -> Self {
        Self {
            secrets,
            memory: Mutex::default(),
            workspace_keys: RwLock::default(),
        }
    }

    /// The device's own key, when this session has one.
    pub fn device_key(&self) -> Option<&DataKey> {
        self.secrets.key()
    }

    /// Holds `key` as version `version` of `workspace_id`'s data key.
    pub fn hold_workspace_key(&self, workspace_id: &str, version: u32, key: DataKey) {
        self.workspace_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(workspace_id.to_owned())
            .or_default()
            .insert(version, key);
    }

    /// Lets go of one version of `workspace_id`'s key (one that was never kept).
    pub fn forget_workspace_key(&self, workspace_id: &str, version: u32) {
        if let Some(versions) = self
            .workspace_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .get_mut(workspace_id)
        {
            versions.remove(&version);
        }
    }

    /// The versions of `workspace_id`'s data key held, oldest first.
    pub fn workspace_key_versions(&self, workspace_id: &str) -> Vec<u32> {
        self.workspace_keys
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(workspace_id)
            .map(|versions| versions.keys().copied().collect())
            .unwrap_or_default()
    }

    /// Version `version` of `workspace_id`'s key, or its newest with `None`.
    pub fn workspace_key(
        &self,
        workspace_id: &str,
        version: Option<u32>,
    ) -> Option<(u32, DataKey)> {
        let keys = self
            .workspace_keys
            .read()
            .unwrap_or_else(PoisonError::into_inner);
        let versions = keys.get(workspace_id)?;
        let (version, key) = match version {
            Some(version) => versions.get_key_value(&version)?,
            None => versions.last_key_value()?,
        };
        Some((*version, key.clone()))
    }

    pub fn mode(&self) -> SecretsMode {
        match self.secrets {
            Secrets::Sealed(_) => SecretsMode::Sealed,
            Secrets::Unavailable => SecretsMode::MemoryOnly,
        }
    }

    fn memory(&self) -> std::sync::MutexGuard<'_, HashMap<MemoryKey, String>> {
        // The map holds plain strings: a panic elsewhere cannot leave it half-changed.
        self.memory.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Whether values can be sealed this session; an error naming `what` otherwise.
    pub fn require_key(&self, what: &str) -> Result<()> {
        match self.secrets {
            Secrets::Sealed(_) => Ok(()),
            Secrets::Unavailable => Err(Error::invalid(format!(
                "{what} needs this device's data key, which is not available this session"
            ))),
        }
    }

    /// The variables of a stored column, values in plaintext.
    pub fn open(&self, slot: Slot<'_>, column: &str) -> Result<Vec<Variable>> {
        let stored: Vec<StoredVariable> = from_json("variables", column)?;
        let memory = self.memory();
        Ok(stored
            .into_iter()
            .map(|variable| {
                let value = match (variable.value, variable.sealed) {
                    (Some(value), _) => value,
                    (None, sealed) => sealed
                        .and_then(|sealed| self.open_one(slot.place(&variable.key), &sealed))
                        .or_else(|| memory.get(&slot.memory_key(&variable.key)).cloned())
                        .unwrap_or_default(),
                };
                Variable {
                    key: variable.key,
                    value,
                    enabled: variable.enabled,
                    secret: variable.secret,
                }
            })
            .collect())
    }

    fn open_one(&self, place: SealPlace<'_>, sealed: &str) -> Option<String> {
        match sealed_with(sealed)? {
            SealedWith::DeviceKey => self.secrets.key()?.open(&place, sealed).ok(),
            SealedWith::WorkspaceKey(version) => self
                .workspace_key(place.workspace_id, Some(version))?
                .1
                .open(&place, sealed)
                .ok(),
        }
    }

    /// Seals `value` for `place`: under its workspace's newest key when the workspace
    /// has one, else under the device's key.
    fn seal_one(&self, device_key: &DataKey, place: SealPlace<'_>, value: &str) -> Result<String> {
        let sealed = match self.workspace_key(place.workspace_id, None) {
            Some((version, key)) => key.seal_as(SealedWith::WorkspaceKey(version), &place, value),
            None => device_key.seal(&place, value),
        };
        sealed.map_err(|error| Error::Storage(error.to_string()))
    }

    /// `column` with every value it seals sealed again (under the workspace's newest
    /// key); `None` when it seals nothing. Values this device cannot open stay as they
    /// are.
    pub fn reseal(&self, slot: Slot<'_>, column: &str, seal_all: bool) -> Result<Option<Column>> {
        self.reseal_if(slot, column, seal_all, |_| true)
    }

    /// Like [`reseal`](Self::reseal), only for a column that holds a value sealed under
    /// this device's own key (one sealed before the workspace had a key here).
    pub fn reseal_device_sealed(
        &self,
        slot: Slot<'_>,
        column: &str,
        seal_all: bool,
    ) -> Result<Option<Column>> {
        self.reseal_if(slot, column, seal_all, |sealed| {
            sealed_with(sealed) == Some(SealedWith::DeviceKey)
        })
    }

    /// `column` sealed again when some value in it is sealed as `wanted` says.
    fn reseal_if(
        &self,
        slot: Slot<'_>,
        column: &str,
        seal_all: bool,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Option<Column>> {
        let stored: Vec<StoredVariable> = from_json("variables", column)?;
        if !stored
            .iter()
            .filter_map(|v| v.sealed.as_deref())
            .any(wanted)
        {
            return Ok(None);
        }
        let variables = self.open(slot, column)?;
        self.seal(slot, &variables, seal_all, Some(column))
            .map(Some)
    }

    /// The column storing `variables`. `previous` is the column being replaced, whose
    /// unreadable values survive (see the module's notes); `seal_all` seals every
    /// value, not only secret ones.
    pub fn seal(
        &self,
        slot: Slot<'_>,
        variables: &[Variable],
        seal_all: bool,
        previous: Option<&str>,
    ) -> Result<Column> {
        let previous: Vec<StoredVariable> = match previous {
            Some(column) => from_json("variables", column)?,
            None => Vec::new(),
        };
        let unreadable = |key: &str| {
            previous
                .iter()
                .find(|old| old.key == key)
                .and_then(|old| old.sealed.as_ref())
                .filter(|sealed| self.open_one(slot.place(key), sealed).is_none())
                .cloned()
        };
        let mut memory = self.memory();
        let mut stored = Vec::with_capacity(variables.len());
        for variable in variables {
            let memory_key = slot.memory_key(&variable.key);
            let (value, sealed) = if !(variable.secret || seal_all) {
                memory.remove(&memory_key);
                (Some(variable.value.clone()), None)
            } else if let Some(key) = self.secrets.key() {
                let kept = unreadable(&variable.key).filter(|_| variable.value.is_empty());
                let sealed = match kept {
                    Some(kept) => kept,
                    None => self.seal_one(key, slot.place(&variable.key), &variable.value)?,
                };
                (None, Some(sealed))
            } else {
                if variable.value.is_empty() {
                    memory.remove(&memory_key);
                } else {
                    memory.insert(memory_key, variable.value.clone());
                }
                (None, unreadable(&variable.key))
            };
            stored.push(StoredVariable {
                key: variable.key.clone(),
                enabled: variable.enabled,
                secret: variable.secret,
                value,
                sealed,
            });
        }
        // A value sealed now that was stored in plaintext before (under any name): its
        // old pages must be wiped from the file and the write-ahead log.
        let sealed_now: Vec<&str> = variables
            .iter()
            .zip(&stored)
            .filter(|(_, kept)| kept.value.is_none())
            .map(|(variable, _)| variable.value.as_str())
            .filter(|value| !value.is_empty())
            .collect();
        let scrub = previous
            .iter()
            .filter_map(|old| old.value.as_deref())
            .any(|old| sealed_now.contains(&old));
        Ok(Column {
            json: to_json(&stored)?,
            scrub,
        })
    }

    /// Forgets the memory-only values and data keys of a workspace removed from this
    /// device.
    pub fn forget_workspace(&self, workspace_id: &str) {
        self.memory()
            .retain(|(workspace, ..), _| workspace != workspace_id);
        self.workspace_keys
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(workspace_id);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::DataKey;

    const SLOT: Slot<'static> = Slot {
        workspace_id: "ws",
        entity_id: "env",
        field: "variables",
    };

    fn var(key: &str, value: &str, secret: bool) -> Variable {
        Variable {
            key: key.into(),
            value: value.into(),
            enabled: true,
            secret,
        }
    }

    fn sealed_vault() -> Vault {
        Vault::new(Secrets::Sealed(DataKey::generate().unwrap()))
    }

    #[test]
    fn only_secret_values_are_sealed_unless_every_value_should_be() {
        let vault = sealed_vault();
        let variables = [
            var("host", "api.example", false),
            var("token", "t0ken", true),
        ];
        let column = vault.seal(SLOT, &variables, false, None).unwrap().json;
        assert!(column.contains("api.example"));
        assert!(!column.contains("t0ken"), "{column}");
        assert_eq!(vault.open(SLOT, &column).unwrap(), variables);

        let column = vault.seal(SLOT, &variables, true, None).unwrap().json;
        assert!(
            !column.contains("api.example") && !column.contains("t0ken"),
            "{column}"
        );
        assert_eq!(vault.open(SLOT, &column).unwrap(), variables);
    }

    #[test]
    fn sealing_a_value_that_was_plain_asks_for_the_log_to_be_scrubbed() {
        let vault = sealed_vault();
        let plain = vault
            .seal(SLOT, &[var("token", "t0ken", false)], false, None)
            .unwrap();
        assert!(!plain.scrub);
        let sealed = vault
            .seal(
                SLOT,
                &[var("token", "t0ken", true)],
                false,
                Some(&plain.json),
            )
            .unwrap();
        assert!(sealed.scrub, "the plaintext is in the old pages");
        let again = vault
            .seal(
                SLOT,
                &[var("token", "other", true)],
                false,
                Some(&sealed.json),
            )
            .unwrap();
        assert!(!again.scrub, "nothing plain was there");
        let renamed = vault
            .seal(
                SLOT,
                &[var("renamed", "t0ken", true)],
                false,
                Some(&plain.json),
            )
            .unwrap();
        assert!(renamed.scrub, "the value counts, whatever its name");
        let other_value = vault
            .seal(
                SLOT,
                &[var("token", "fresh", true)],
                false,
                Some(&plain.json),
            )
            .unwrap();
        assert!(!other_value.scrub, "the old value was never secret");
    }

    #[test]
    fn without_a_key_secret_values_stay_in_memory_and_sealed_ones_survive() {
        let with_key = sealed_vault();
        let earlier = with_key
            .seal(SLOT, &[var("token", "from-before", true)], false, None)
            .unwrap()
            .json;

        let without = Vault::new(Secrets::Unavailable);
        // The earlier value cannot be read without the key …
        assert_eq!(
            without.open(SLOT, &earlier).unwrap(),
            [var("token", "", true)]
        );
        // … and writing the list back as read keeps it.
        let column = without
            .seal(SLOT, &[var("token", "", true)], false, Some(&earlier))
            .unwrap()
            .json;
        assert_eq!(column, earlier);
        // A new value lives in memory only, and the stored one is still the old one.
        let column = without
            .seal(
                SLOT,
                &[var("token", "this-session", true)],
                false,
                Some(&earlier),
            )
            .unwrap()
            .json;
        assert!(!column.contains("this-session"));
        assert_eq!(
            without.open(SLOT, &column).unwrap(),
            [var("token", "this-session", true)]
        );
        assert_eq!(
            with_key.open(SLOT, &column).unwrap(),
            [var("token", "from-before", true)]
        );
        // Another list with the same variable name does not see it.
        let other = Slot {
            entity_id: "other-env",
            ..SLOT
        };
        assert_eq!(
            without.open(other, &column).unwrap(),
            [var("token", "", true)]
        );
    }

    #[test]
    fn a_value_sealed_under_another_key_is_kept_until_replaced() {
        let old = sealed_vault();
        let earlier = old
            .seal(SLOT, &[var("token", "old", true)], false, None)
            .unwrap()
            .json;
        let new = sealed_vault();
        assert_eq!(new.open(SLOT, &earlier).unwrap(), [var("token", "", true)]);
        let kept = new
            .seal(SLOT, &[var("token", "", true)], false, Some(&earlier))
            .unwrap()
            .json;
        assert_eq!(old.open(SLOT, &kept).unwrap(), [var("token", "old", true)]);
        let replaced = new
            .seal(SLOT, &[var("token", "new", true)], false, Some(&earlier))
            .unwrap()
            .json;
        assert_eq!(
            new.open(SLOT, &replaced).unwrap(),
            [var("token", "new", true)]
        );
    }
}
