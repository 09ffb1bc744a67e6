//! What this instance remembers of the access tokens it has checked: each token's
//! context (grant, scope, account) and each account's profile, so the bearer check of
//! `/oauth/userinfo` and `/api/v1` costs a map lookup instead of database reads. The
//! database stays the truth; an entry is a copy that goes as soon as anything could
//! have changed what it copies:
//! - every event of the account (a session revoked, the profile or the address
//!   changed) drops the account's entries before any channel hears of it
//!   ([`super::hub::LocalChannels::deliver`]);
//! - an entry never outlives its token, its grant, or [`MAX_AGE`];
//! - a database read that an event overtook is not kept: each event moves the
//!   [`Generation`], and a read keeps its result only if none moved since it began.
//!
//! On a server alone (the embedded SQLite store) every change is made by this process,
//! so a revocation or a profile change is seen on the very next request. When
//! instances share a database ([`AccessCache::shared`]), another instance's change
//! arrives on the bus a few milliseconds after its write, so:
//! - the cache answers only while the bus is known to carry events here: this
//!   instance's own heartbeats, sent on the bus every second, must come back
//!   ([`AccessCache::heartbeat_sent`], [`AccessCache::heartbeat_heard`]); when the
//!   listening connection drops, or a heartbeat is two beats late, everything is
//!   forgotten and nothing is kept until a later heartbeat is heard;
//! - a request that must see a change just made elsewhere says `Cache-Control:
//!   no-cache` and is answered from the database: the client library does so for an
//!   account's reads in the seconds after it changed something or heard of a change.
//!
//! Unknown and refused tokens are never remembered.
use std::collections::{HashMap, HashSet};
use std::sync::{Mutex, MutexGuard, PoisonError};

use courier_store::{AccessContext, ProfileRecord, UnixTime};

/// The longest an entry is believed without asking the database again, in seconds.
pub const MAX_AGE: UnixTime = 5;

/// Beyond this many remembered tokens, the expired ones are swept and, if that is
/// not enough, everything is forgotten (a few hundred bytes each: tens of MiB at most).
const CAPACITY: usize = 50_000;

/// Where the cache stood when a database read began; see [`AccessCache::begin_read`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation(u64);

pub struct AccessCache {
    state: Mutex<Remembered>,
}

struct Remembered {
    /// Whether the cache may answer at all.
    mode: Mode,
    /// Moves with every event, so a read that began before one is not kept.
    generation: u64,
    /// By access-token digest.
    tokens: HashMap<String, TokenEntry>,
    /// By account id.
    accounts: HashMap<String, AccountEntry>,
}

struct TokenEntry {
    context: AccessContext,
    until: UnixTime,
}

/// Whether the cache may answer.
enum Mode {
    /// A server alone: every change is made here and announced in step.
    Alone,
    /// Instances share a database: answers only while the bus is heard.
    Shared(Heartbeats),
}

/// This instance's heartbeats on the bus, numbered from 1.
#[derive(Default)]
struct Heartbeats {
    /// The last one sent.
    sent: u64,
    /// The highest one heard back.
    heard: u64,
    /// Those up to this one prove nothing: the bus was lost after they were sent.
    lost_after: u64,
    /// Whether the bus is carrying events here now.
    listening: bool,
}

#[derive(Default)]
struct AccountEntry {
    /// The account's remembered tokens, so its events can drop them.
    digests: HashSet<String>,
    profile: Option<(ProfileRecord, UnixTime)>,
}

impl Default for AccessCache {
    fn default() -> Self {
        Self {
            state: Mutex::new(Remembered {
                mode: Mode::Alone,
                generation: 0,
                tokens: HashMap::new(),
                accounts: HashMap::new(),
            }),
        }
    }
}

impl AccessCache {
    /// A cache for instances that share a database: it answers nothing until the
    /// first heartbeat comes back on the bus.
    pub fn shared() -> Self {
        let cache = Self::default();
        cache.lock().mode = Mode::Shared(Heartbeats::default());
        cache
    }

    /// Heartbeat `number` went out on the bus. If the one before it has not come back,
    /// the bus is not carrying events here: everything is forgotten.
    pub fn heartbeat_sent(&self, number: u64) {
        let mut state = self.lock();
        let Mode::Shared(beats) = &mut state.mode else {
            return;
        };
        beats.sent = beats.sent.max(number);
        if beats.listening && beats.sent >= beats.heard + 2 {
            state.bus_lost();
        }
    }

    /// This instance's heartbeat `number` came back on the bus: if it was sent after
    /// the bus was last lost, events reach this instance again.
    pub fn heartbeat_heard(&self, number: u64) {
        let mut state = self.lock();
        let Mode::Shared(beats) = &mut state.mode else {
            return;
        };
        beats.heard = beats.heard.max(number);
        if !beats.listening && beats.heard > beats.lost_after {
            beats.listening = true;
            state.generation += 1;
        }
    }

    /// The bus lost events (its listening connection dropped): everything is forgotten,
    /// and nothing is kept until a heartbeat sent from now on is heard.
    pub fn bus_lost(&self) {
        self.lock().bus_lost();
    }

    fn lock(&self) -> MutexGuard<'_, Remembered> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The remembered context of the token with this digest, if still believed at `now`.
    pub fn context(&self, digest: &str, now: UnixTime) -> Option<AccessContext> {
        let mut state = self.lock();
        if !state.answering() {
            return None;
        }
        match state.tokens.get(digest) {
            Some(entry) if now < entry.until => Some(entry.context.clone()),
            Some(_) => {
                state.forget_token(digest);
                None
            }
            None => None,
        }
    }

    /// The remembered profile of `user_id`, if still believed at `now`.
    pub fn profile(&self, user_id: &str, now: UnixTime) -> Option<ProfileRecord> {
        let state = self.lock();
        if !state.answering() {
            return None;
        }
        let (profile, until) = state.accounts.get(user_id)?.profile.as_ref()?;
        (now < *until).then(|| profile.clone())
    }

    /// Call before reading what [`Self::keep_context`] or [`Self::keep_profile`] would
    /// keep: they keep it only if no event arrived in between.
    pub fn begin_read(&self) -> Generation {
        Generation(self.lock().generation)
    }

    /// Remembers what the database said at `now` about the token with this digest.
    pub fn keep_context(
        &self,
        read: Generation,
        digest: &str,
        context: &AccessContext,
        now: UnixTime,
    ) {
        let mut state = self.lock();
        if !state.may_keep(read) {
            return;
        }
        if state.tokens.len() >= CAPACITY {
            state.make_room(now);
        }
        let until = (now + MAX_AGE)
            .min(context.token_expires_at)
            .min(context.grant_expires_at);
        let account = state.accounts.entry(context.user.id.clone()).or_default();
        account.digests.insert(digest.to_owned());
        state.tokens.insert(
            digest.to_owned(),
            TokenEntry {
                context: context.clone(),
                until,
            },
        );
    }

    /// Remembers the profile the database returned at `now`.
    pub fn keep_profile(&self, read: Generation, profile: &ProfileRecord, now: UnixTime) {
        let mut state = self.lock();
        if !state.may_keep(read) {
            return;
        }
        let account = state.accounts.entry(profile.id.clone()).or_default();
        account.profile = Some((profile.clone(), now + MAX_AGE));
    }

    /// The token's grant was recorded as used at `now`.
    pub fn touched(&self, digest: &str, now: UnixTime) {
        if let Some(entry) = self.lock().tokens.get_mut(digest) {
            entry.context.last_used_at = entry.context.last_used_at.max(now);
        }
    }

    /// Something about `user_id` changed: forgets the account and its tokens.
    pub fn account_changed(&self, user_id: &str) {
        let mut state = self.lock();
        state.generation += 1;
        if let Some(account) = state.accounts.remove(user_id) {
            for digest in account.digests {
                state.tokens.remove(&digest);
            }
        }
    }

    /// Whether the cache answers now (for tests).
    #[cfg(test)]
    pub fn answering(&self) -> bool {
        self.lock().answering()
    }

    /// How many tokens are remembered (for tests).
    #[cfg(test)]
    pub fn remembered_tokens(&self) -> usize {
        self.lock().tokens.len()
    }
}

impl Remembered {
    fn answering(&self) -> bool {
        match &self.mode {
            Mode::Alone => true,
            Mode::Shared(beats) => beats.listening,
        }
    }

    fn may_keep(&self, read: Generation) -> bool {
        self.answering() && read.0 == self.generation
    }

    fn bus_lost(&mut self) {
        if let Mode::Shared(beats) = &mut self.mode {
            beats.listening = false;
            beats.lost_after = beats.sent;
        }
        self.generation += 1;
        self.tokens.clear();
        self.accounts.clear();
    }

    fn forget_token(&mut self, digest: &str) {
        if let Some(entry) = self.tokens.remove(digest)
            && let Some(account) = self.accounts.get_mut(&entry.context.user.id)
        {
            account.digests.remove(digest);
        }
    }

    /// Sweeps what expired; if the cache is still full, forgets everything.
    fn make_room(&mut self, now: UnixTime) {
        self.tokens.retain(|_, entry| now < entry.until);
        if self.tokens.len() >= CAPACITY {
            self.tokens.clear();
            self.accounts.clear();
            return;
        }
        let tokens = &self.tokens;
        self.accounts.retain(|_, account| {
            account.digests.retain(|digest| tokens.contains_key(digest));
            !account.digests.is_empty()
                || account
                    .profile
                    .as_ref()
                    .is_some_and(|(_, until)| now < *until)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use courier_store::User;

    const NOW: UnixTime = 1_000_000;

    fn context(user_id: &str, grant_id: &str) -> AccessContext {
        AccessContext {
            grant_id: grant_id.to_owned(),
            scope: "openid profile email".to_owned(),
            token_expires_at: NOW + 600,
            grant_expires_at: NOW + 3_600,
            last_used_at: NOW,
            user: User {
                id: user_id.to_owned(),
                email: format!("{user_id}@example.com"),
                username: user_id.to_owned(),
                password_hash: String::new(),
                name: None,
                email_confirmed_at: Some(NOW),
                created_at: NOW,
            },
        }
    }

    fn profile(user_id: &str, name: &str) -> ProfileRecord {
        ProfileRecord {
            id: user_id.to_owned(),
            username: user_id.to_owned(),
            email: format!("{user_id}@example.com"),
            email_confirmed_at: Some(NOW),
            pending_email: None,
            name: Some(name.to_owned()),
            bio: None,
            website: None,
            links: "[]".to_owned(),
            public_profile: false,
            configured_at: None,
            created_at: NOW,
            avatar_version: None,
        }
    }

    fn remembered(cache: &AccessCache, digest: &str, user_id: &str, grant_id: &str) {
        let read = cache.begin_read();
        cache.keep_context(read, digest, &context(user_id, grant_id), NOW);
    }

    #[test]
    fn a_kept_context_is_answered_until_its_age_runs_out() {
        let cache = AccessCache::default();
        assert!(cache.context("t1", NOW).is_none());
        remembered(&cache, "t1", "ada", "g1");
        let found = cache.context("t1", NOW + MAX_AGE - 1).map(|c| c.grant_id);
        assert_eq!(found.as_deref(), Some("g1"));
        assert!(cache.context("t1", NOW + MAX_AGE).is_none());
        assert_eq!(cache.remembered_tokens(), 0, "an expired entry is dropped");
    }

    #[test]
    fn an_entry_never_outlives_its_token_or_its_grant() {
        let cache = AccessCache::default();
        let mut short_token = context("ada", "g1");
        short_token.token_expires_at = NOW + 2;
        let mut short_grant = context("ada", "g2");
        short_grant.grant_expires_at = NOW + 1;
        let read = cache.begin_read();
        cache.keep_context(read, "t1", &short_token, NOW);
        cache.keep_context(read, "t2", &short_grant, NOW);
        assert!(cache.context("t1", NOW + 1).is_some());
        assert!(cache.context("t1", NOW + 2).is_none());
        assert!(cache.context("t2", NOW + 1).is_none());
    }

    #[test]
    fn an_account_s_event_forgets_its_tokens_and_profile_and_no_one_else_s() {
        let cache = AccessCache::default();
        remembered(&cache, "ada-laptop", "ada", "g1");
        remembered(&cache, "ada-desktop", "ada", "g2");
        remembered(&cache, "grace", "grace", "g3");
        let read = cache.begin_read();
        cache.keep_profile(read, &profile("ada", "Ada"), NOW);
        cache.keep_profile(read, &profile("grace", "Grace"), NOW);
        cache.account_changed("ada");
        assert!(cache.context("ada-laptop", NOW).is_none());
        assert!(cache.context("ada-desktop", NOW).is_none());
        assert!(cache.profile("ada", NOW).is_none());
        assert!(cache.context("grace", NOW).is_some());
        assert_eq!(
            cache.profile("grace", NOW).and_then(|p| p.name).as_deref(),
            Some("Grace")
        );
    }

    #[test]
    fn a_read_overtaken_by_an_event_is_not_kept() {
        let cache = AccessCache::default();
        let read = cache.begin_read();
        // The revocation commits and is announced while the read is on its way back.
        cache.account_changed("ada");
        cache.keep_context(read, "t1", &context("ada", "g1"), NOW);
        cache.keep_profile(read, &profile("ada", "Old name"), NOW);
        assert!(cache.context("t1", NOW).is_none());
        assert!(cache.profile("ada", NOW).is_none());
    }

    /// Keeps `t1` and Ada's profile, read at [`NOW`].
    fn remember_ada(cache: &AccessCache) {
        remembered(cache, "t1", "ada", "g1");
        let read = cache.begin_read();
        cache.keep_profile(read, &profile("ada", "Ada"), NOW);
    }

    fn answers_for_ada(cache: &AccessCache) -> bool {
        cache.context("t1", NOW).is_some() && cache.profile("ada", NOW).is_some()
    }

    #[test]
    fn a_shared_cache_keeps_nothing_until_its_first_heartbeat_comes_back() {
        let cache = AccessCache::shared();
        remember_ada(&cache);
        assert!(cache.context("t1", NOW).is_none());
        assert!(cache.profile("ada", NOW).is_none());
        cache.heartbeat_sent(1);
        remember_ada(&cache);
        assert!(!answers_for_ada(&cache), "sent is not heard");
        cache.heartbeat_heard(1);
        remember_ada(&cache);
        assert!(answers_for_ada(&cache));
    }

    #[test]
    fn a_shared_cache_forgets_everything_when_a_heartbeat_is_two_beats_late() {
        let cache = AccessCache::shared();
        cache.heartbeat_sent(1);
        cache.heartbeat_heard(1);
        remember_ada(&cache);
        cache.heartbeat_sent(2);
        assert!(answers_for_ada(&cache), "one beat on its way is normal");
        cache.heartbeat_sent(3);
        assert!(!answers_for_ada(&cache), "beat 2 never came back");
        // A late echo of a beat sent before the loss proves nothing...
        cache.heartbeat_heard(2);
        remember_ada(&cache);
        assert!(!answers_for_ada(&cache));
        // ...one sent after it does.
        cache.heartbeat_sent(4);
        cache.heartbeat_heard(4);
        remember_ada(&cache);
        assert!(answers_for_ada(&cache));
    }

    #[test]
    fn a_lost_bus_forgets_everything_until_a_later_heartbeat_is_heard() {
        let cache = AccessCache::shared();
        cache.heartbeat_sent(1);
        cache.heartbeat_heard(1);
        remember_ada(&cache);
        cache.bus_lost();
        assert!(!answers_for_ada(&cache));
        remember_ada(&cache);
        assert!(!answers_for_ada(&cache), "nothing is kept while deaf");
        cache.heartbeat_heard(1);
        remember_ada(&cache);
        assert!(!answers_for_ada(&cache), "beat 1 was sent before the loss");
        cache.heartbeat_sent(2);
        cache.heartbeat_heard(2);
        remember_ada(&cache);
        assert!(answers_for_ada(&cache));
    }

    #[test]
    fn a_cache_alone_ignores_heartbeats() {
        let cache = AccessCache::default();
        remember_ada(&cache);
        cache.heartbeat_sent(5);
        assert!(answers_for_ada(&cache));
    }

    #[test]
    fn a_touch_moves_last_use_forward_only() {
        let cache = AccessCache::default();
        remembered(&cache, "t1", "ada", "g1");
        cache.touched("t1", NOW + 3);
        cache.touched("t1", NOW + 2);
        let last_used = cache.context("t1", NOW + 3).map(|c| c.last_used_at);
        assert_eq!(last_used, Some(NOW + 3));
    }

    #[test]
    fn a_full_cache_sweeps_expired_entries_then_forgets_everything() {
        let cache = AccessCache::default();
        let read = cache.begin_read();
        let mut short = context("ada", "g1");
        short.token_expires_at = NOW + 1;
        for n in 0..CAPACITY - 1 {
            cache.keep_context(read, &format!("old{n}"), &short, NOW);
        }
        cache.keep_context(read, "live", &context("grace", "g2"), NOW);
        assert_eq!(cache.remembered_tokens(), CAPACITY);
        cache.keep_context(read, "new", &context("grace", "g3"), NOW + 1);
        assert_eq!(cache.remembered_tokens(), 2, "the expired ones were swept");
        assert!(cache.context("live", NOW + 1).is_some());
        let read = cache.begin_read();
        for n in 0..CAPACITY {
            cache.keep_context(read, &format!("busy{n}"), &context("ada", "g4"), NOW + 1);
        }
        assert!(cache.remembered_tokens() <= CAPACITY);
        assert!(
            cache.context("live", NOW + 1).is_none(),
            "forgotten when full"
        );
    }
}
