//! Group commit of refresh-token rotations. Every rotation is a write; one at a time,
//! each pays a transaction's fixed cost (begin, commit, a round trip per statement),
//! and under load the writers queue behind each other. Here concurrent rotations wait
//! in one queue and a worker takes all that are waiting (up to [`MAX_BATCH`]) and
//! applies them together in one transaction with set-wise statements, so the cost of
//! a rotation falls as the load rises. No rotation waits for company: a worker takes
//! whatever is queued the moment it is free, one rotation if that is all there is.
//!
//! A backend supplies [`RotateTogether`]. Its batch must give every rotation the same
//! outcome it would have had alone, in queue order; a rotation it cannot decide in the
//! batch (a second token of a grant already in it) comes back as `None` and runs
//! alone right after. If a batch fails as a whole, each of its rotations runs alone,
//! so one bad rotation cannot fail its neighbours.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::sync::{Mutex, OwnedRwLockWriteGuard, RwLock, mpsc, oneshot};
use tokio::task::JoinHandle;

use std::collections::HashMap;

use sqlx::FromRow as _;

use crate::grants::{RefreshState, Refreshing, refreshing, rotated};
use crate::{
    ClientSeen, Grant, IssuedTokens, RefreshOutcome, Result, RevokedGrant, StoreError, UnixTime,
    User,
};

/// The most rotations one transaction applies.
pub(crate) const MAX_BATCH: usize = 64;

/// One refresh request, as [`crate::Grants::rotate_refresh_token`] takes it.
#[derive(Debug, Clone)]
pub(crate) struct Rotation {
    pub digest: String,
    pub client_id: String,
    pub now: UnixTime,
    pub tokens: IssuedTokens,
    pub seen: ClientSeen,
    pub reuse_grace: UnixTime,
}

/// How a backend applies rotations.
#[async_trait::async_trait]
pub(crate) trait RotateTogether: Send + Sync + 'static {
    /// Applies `batch` in one transaction: one entry per rotation, in order, `None`
    /// for a rotation left for [`RotateTogether::rotate_alone`]. An error means nothing
    /// was committed.
    async fn rotate_together(&self, batch: &[Rotation]) -> Result<Vec<Option<RefreshOutcome>>>;
    /// Applies one rotation in a transaction of its own.
    async fn rotate_alone(&self, rotation: &Rotation) -> Result<RefreshOutcome>;
}

type Reply = oneshot::Sender<Result<RefreshOutcome>>;
type Receiver = mpsc::UnboundedReceiver<(Rotation, Reply)>;

/// Rotations held in the queue ([`crate::Grants::hold_rotations`]): while this lives
/// no worker takes any; once it drops, a worker takes what is queued as one batch.
pub struct RotationHold {
    _closed: OwnedRwLockWriteGuard<()>,
    waiting: Arc<AtomicUsize>,
}

impl RotationHold {
    /// How many rotations wait.
    pub fn queued(&self) -> usize {
        self.waiting.load(Ordering::SeqCst)
    }
}

/// What the workers share.
struct Shared {
    receiver: Mutex<Receiver>,
    /// Read by a worker before it takes a batch; a hold writes it.
    gate: Arc<RwLock<()>>,
    /// Rotations queued and not yet taken into a batch.
    waiting: Arc<AtomicUsize>,
}

/// The queue and its workers; dropping it stops the workers.
pub(crate) struct RotationQueue {
    sender: mpsc::UnboundedSender<(Rotation, Reply)>,
    shared: Arc<Shared>,
    workers: Vec<JoinHandle<()>>,
}

impl RotationQueue {
    /// Starts `workers` workers applying rotations through `backend` (one for a
    /// single-writer database; more let one batch commit while the next is read).
    pub fn start(backend: impl RotateTogether, workers: usize) -> Self {
        let (sender, receiver) = mpsc::unbounded_channel();
        let shared = Arc::new(Shared {
            receiver: Mutex::new(receiver),
            gate: Arc::new(RwLock::new(())),
            waiting: Arc::new(AtomicUsize::new(0)),
        });
        let backend = Arc::new(backend);
        let workers = (0..workers.max(1))
            .map(|_| tokio::spawn(work(backend.clone(), shared.clone())))
            .collect();
        Self {
            sender,
            shared,
            workers,
        }
    }

    /// Holds the queue: see [`RotationHold`].
    pub async fn hold(&self) -> RotationHold {
        RotationHold {
            _closed: self.shared.gate.clone().write_owned().await,
            waiting: self.shared.waiting.clone(),
        }
    }

    /// Queues `rotation` and waits for its outcome.
    pub async fn rotate(&self, rotation: Rotation) -> Result<RefreshOutcome> {
        let (reply, outcome) = oneshot::channel();
        self.shared.waiting.fetch_add(1, Ordering::SeqCst);
        self.sender
            .send((rotation, reply))
            .map_err(|_| StoreError::Refused("the store is closing".into()))?;
        outcome
            .await
            .map_err(|_| StoreError::Refused("the store is closing".into()))?
    }
}

impl Drop for RotationQueue {
    fn drop(&mut self) {
        for worker in &self.workers {
            worker.abort();
        }
    }
}

/// One worker: takes what is queued, applies it, answers each caller. The receiver
/// is held while waiting for the first rotation and while taking the rest, so two
/// workers never split what arrived together.
async fn work<B: RotateTogether>(backend: Arc<B>, shared: Arc<Shared>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    loop {
        {
            let mut receiver = shared.receiver.lock().await;
            if receiver.recv_many(&mut batch, MAX_BATCH).await == 0 {
                return;
            }
            let _open = shared.gate.read().await;
            while batch.len() < MAX_BATCH {
                match receiver.try_recv() {
                    Ok(next) => batch.push(next),
                    Err(_) => break,
                }
            }
            shared.waiting.fetch_sub(batch.len(), Ordering::SeqCst);
        }
        let (rotations, replies): (Vec<Rotation>, Vec<Reply>) = batch.drain(..).unzip();
        apply(&*backend, rotations, replies).await;
    }
}

/// Applies one batch and answers its callers.
async fn apply<B: RotateTogether>(backend: &B, rotations: Vec<Rotation>, replies: Vec<Reply>) {
    // A batch of one too: the batch path makes fewer calls to the database than the
    // lone path, which is for what a batch cannot decide.
    let outcomes = match backend.rotate_together(&rotations).await {
        Ok(outcomes) => outcomes,
        Err(error) => {
            tracing::warn!(%error, size = rotations.len(), "a batch of refresh rotations failed; applying them one by one");
            vec![None; rotations.len()]
        }
    };
    let mut answers = Vec::with_capacity(rotations.len());
    for (rotation, outcome) in rotations.iter().zip(outcomes) {
        answers.push(match outcome {
            Some(outcome) => Ok(outcome),
            None => backend.rotate_alone(rotation).await,
        });
    }
    answer(replies, answers);
}

/// Sends each caller its outcome (a caller that gave up is not waiting any more).
fn answer(replies: Vec<Reply>, outcomes: Vec<Result<RefreshOutcome>>) {
    for (reply, outcome) in replies.into_iter().zip(outcomes) {
        let _ = reply.send(outcome);
    }
}

/// The position in `batch` of each rotation whose grant or token an earlier rotation
/// of the batch already touches. `grant_of` gives a rotation's grant by position
/// (`None`: unknown token).
fn later_of_same_grant(
    batch: &[Rotation],
    grant_of: impl Fn(usize) -> Option<String>,
) -> Vec<bool> {
    let mut grants = std::collections::HashSet::new();
    let mut digests = std::collections::HashSet::new();
    batch
        .iter()
        .enumerate()
        .map(|(index, rotation)| {
            let repeated_digest = !digests.insert(rotation.digest.clone());
            let repeated_grant = match grant_of(index) {
                Some(grant) => !grants.insert(grant),
                None => false,
            };
            repeated_digest || repeated_grant
        })
        .collect()
}

/// A token of a batch as a backend reads it, with its grant (columns named as the
/// fields), beside its account (columns named as [`User`]'s).
#[derive(sqlx::FromRow)]
pub(crate) struct BatchToken {
    digest: String,
    grant_id: String,
    client_id: String,
    used_at: Option<UnixTime>,
    revoked_at: Option<UnixTime>,
    grant_expires_at: UnixTime,
    user_id: String,
    chain_moved_on: bool,
}

/// The state of each token read for a batch, by digest, and their accounts.
pub(crate) fn batch_states<R: sqlx::Row>(
    rows: &[R],
) -> Result<(HashMap<String, RefreshState>, Vec<User>)>
where
    BatchToken: for<'r> sqlx::FromRow<'r, R>,
    User: for<'r> sqlx::FromRow<'r, R>,
{
    let mut states = HashMap::new();
    let mut users: Vec<User> = Vec::new();
    for row in rows {
        let token = BatchToken::from_row(row)?;
        if !users.iter().any(|user| user.id == token.user_id) {
            users.push(User::from_row(row)?);
        }
        states.insert(
            token.digest,
            RefreshState {
                grant_id: token.grant_id,
                user_id: token.user_id,
                client_id: token.client_id,
                used_at: token.used_at,
                revoked_at: token.revoked_at,
                expires_at: token.grant_expires_at,
                chain_moved_on: token.chain_moved_on,
            },
        );
    }
    Ok((states, users))
}

/// What a batch does, decided before it writes.
pub(crate) struct BatchPlan {
    /// Per rotation: decided already (invalid, or a replay), or `None` (it writes, or
    /// runs alone afterwards).
    pub outcomes: Vec<Option<RefreshOutcome>>,
    /// Grants a replay revokes, with the replay's time.
    pub revoke: Vec<(RevokedGrant, UnixTime)>,
    /// Rotations that write.
    pub writing: Vec<Writing>,
}

/// A rotation that issues tokens on its grant.
pub(crate) struct Writing {
    /// Its place in the batch.
    pub index: usize,
    pub grant_id: String,
    /// Whether it spends the presented token (an honest retry's is spent already).
    pub spends: bool,
}

/// Decides every rotation of `batch` with [`refreshing`], given each one's token as
/// read in the batch's transaction: `Some(state)` (`None` inside: an unknown token),
/// or `None` for a rotation the backend leaves to run alone. A rotation whose token
/// or grant an earlier one of the batch touches runs alone too, after the batch, so
/// it sees the earlier one's effect.
pub(crate) fn plan(
    batch: &[Rotation],
    state_of: impl Fn(&Rotation) -> Option<Option<RefreshState>>,
) -> BatchPlan {
    let states: Vec<_> = batch.iter().map(state_of).collect();
    let later = later_of_same_grant(batch, |index| {
        states[index]
            .as_ref()
            .and_then(|state| state.as_ref().map(|state| state.grant_id.clone()))
    });
    let mut plan = BatchPlan {
        outcomes: vec![None; batch.len()],
        revoke: Vec::new(),
        writing: Vec::new(),
    };
    for (index, (rotation, state)) in batch.iter().zip(states).enumerate() {
        let Some(state) = state.filter(|_| !later[index]) else {
            continue;
        };
        match refreshing(
            state,
            &rotation.client_id,
            rotation.now,
            rotation.reuse_grace,
        ) {
            Refreshing::Invalid => plan.outcomes[index] = Some(RefreshOutcome::Invalid),
            Refreshing::Replayed(revoked) => {
                plan.outcomes[index] = Some(RefreshOutcome::Reused(revoked.clone()));
                plan.revoke.push((revoked, rotation.now));
            }
            Refreshing::Rotate { grant_id } => plan.writing.push(Writing {
                index,
                grant_id,
                spends: true,
            }),
            // Already spent; the new pair joins its unused successor.
            Refreshing::Retry { grant_id } => plan.writing.push(Writing {
                index,
                grant_id,
                spends: false,
            }),
        }
    }
    plan
}

impl BatchPlan {
    /// The outcomes once the batch has committed: each writing rotation's grant as
    /// the update returned it, with its account from `users` (read after the commit).
    pub fn finish(mut self, updated: Vec<Grant>, users: &[User]) -> Vec<Option<RefreshOutcome>> {
        let mut updated: HashMap<String, Grant> =
            updated.into_iter().map(|g| (g.id.clone(), g)).collect();
        for writing in self.writing {
            self.outcomes[writing.index] = Some(match updated.remove(&writing.grant_id) {
                Some(grant) => rotated(grant, users),
                None => RefreshOutcome::Invalid,
            });
        }
        self.outcomes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rotation(digest: &str) -> Rotation {
        Rotation {
            digest: digest.into(),
            client_id: "app".into(),
            now: 0,
            tokens: IssuedTokens {
                access_digest: String::new(),
                access_expires_at: 0,
                refresh_digest: None,
            },
            seen: ClientSeen::default(),
            reuse_grace: 5,
        }
    }

    #[test]
    fn a_second_token_of_a_grant_or_the_same_token_again_waits_for_the_first() {
        let batch = [
            rotation("a1"),
            rotation("b1"),
            rotation("a2"),
            rotation("b1"),
            rotation("unknown"),
            rotation("unknown2"),
        ];
        let later = later_of_same_grant(&batch, |index| match batch[index].digest.as_str() {
            "a1" | "a2" => Some("grant-a".into()),
            "b1" => Some("grant-b".into()),
            _ => None,
        });
        assert_eq!(later, [false, false, true, true, false, false]);
    }
}
