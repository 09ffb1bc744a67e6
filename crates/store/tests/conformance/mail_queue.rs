//! [`courier_store::MailQueue`]: a queued mail is claimed once per lease (by one of
//! several workers claiming at once, none lost), due again
//! when a lease runs out (a crash mid-delivery), retried after the backoff, abandoned
//! after the last attempt, loses its body once delivered or abandoned, and is purged
//! a day after that.
//!
//! A claim takes every due mail, other tests' too, so these tests take turns and
//! each leaves its mails finished; on a shared database they only look at their own.

use courier_store::{
    ClaimedMail, MAIL_ATTEMPTS, MAIL_LEASE, MailFailure, MailStatus, OutgoingMail, Store, UnixTime,
    retry_delay,
};
use tokio::sync::{Mutex, MutexGuard};

use crate::backend::all_at_once;
use crate::backend::{self, NOW, unique};

/// Held by each test for its whole run.
static TURN: Mutex<()> = Mutex::const_new(());

async fn my_turn() -> MutexGuard<'static, ()> {
    TURN.lock().await
}

/// More than any test here has due at once.
const LIMIT: u32 = 100;

/// A new mail queued at `queued_at`, carrying a live link.
async fn queued(store: &dyn Store, queued_at: UnixTime) -> OutgoingMail {
    let link = format!("https://courier.test/reset?token={}", unique("secret-"));
    let mail = OutgoingMail {
        id: unique("mail-"),
        to: "ada@example.test".to_owned(),
        subject: unique("Reset your password "),
        body: format!("Open {link} within the hour."),
        links: vec![link],
        queued_at,
    };
    store.enqueue_mail(&mail).await.unwrap();
    mail
}

/// Claims at `now` and returns the claim of `mail`, if it was due.
async fn claim(store: &dyn Store, now: UnixTime, mail: &OutgoingMail) -> Option<ClaimedMail> {
    let claimed = store.claim_mails(now, LIMIT).await.unwrap();
    claimed
        .mails
        .into_iter()
        .find(|claim| claim.mail.id == mail.id)
}

/// Asserts that `mail` is finished as `status` at `at`, its body and links gone.
async fn assert_finished(store: &dyn Store, mail: &OutgoingMail, status: MailStatus, at: UnixTime) {
    let record = store.queued_mail(&mail.id).await.unwrap().unwrap();
    assert_eq!(record.status, status);
    assert_eq!(record.finished_at, Some(at));
    assert_eq!(record.body, None, "a finished mail keeps no body");
    assert!(record.links.is_empty(), "a finished mail keeps no links");
    assert_eq!(
        (record.to, record.subject),
        (mail.to.clone(), mail.subject.clone())
    );
}

/// Fails every attempt of `mail` (claimed from `now` on) until it is abandoned;
/// returns when that happened.
async fn fail_until_abandoned(
    store: &dyn Store,
    mail: &OutgoingMail,
    mut now: UnixTime,
) -> UnixTime {
    for attempt in 1..=MAIL_ATTEMPTS {
        let claimed = claim(store, now, mail).await.expect("due");
        assert_eq!(claimed.attempt, attempt);
        let failure = store.mail_failed(&mail.id, attempt, now).await.unwrap();
        if attempt == MAIL_ATTEMPTS {
            assert_eq!(failure, MailFailure::Abandoned);
            return now;
        }
        assert_eq!(failure, MailFailure::RetryAt(now + retry_delay(attempt)));
        now += retry_delay(attempt);
    }
    unreachable!("the last attempt abandons the mail")
}

#[tokio::test]
async fn a_queued_mail_is_due_at_once_and_comes_back_whole() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let mail = queued(&*store, NOW).await;
    let record = store.queued_mail(&mail.id).await.unwrap().unwrap();
    assert_eq!(record.status, MailStatus::Queued);
    assert_eq!((record.attempts, record.due_at), (0, NOW));
    assert_eq!(record.body.as_deref(), Some(mail.body.as_str()));
    assert_eq!(record.links, mail.links);
    assert!(claim(&*store, NOW - 1, &mail).await.is_none());
    let claimed = claim(&*store, NOW, &mail).await.expect("due at once");
    assert_eq!(claimed.mail, mail, "the claim carries the mail as queued");
    assert_eq!(claimed.attempt, 1);
    // The id is the mail's identity: it cannot be queued twice.
    assert!(store.enqueue_mail(&mail).await.unwrap_err().is_conflict());
    store.mail_delivered(&mail.id, NOW).await.unwrap();
    assert!(store.queued_mail(&unique("mail-")).await.unwrap().is_none());
}

#[tokio::test]
async fn a_claimed_mail_is_held_until_its_lease_runs_out() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let mail = queued(&*store, NOW).await;
    assert_eq!(claim(&*store, NOW, &mail).await.unwrap().attempt, 1);
    assert!(claim(&*store, NOW, &mail).await.is_none(), "held");
    assert!(claim(&*store, NOW + MAIL_LEASE - 1, &mail).await.is_none());
    // The delivery never reported (a crash): the mail is due again, as a new attempt.
    let again = claim(&*store, NOW + MAIL_LEASE, &mail)
        .await
        .expect("due again");
    assert_eq!(again.attempt, 2);
    assert_eq!(again.mail, mail);
    store
        .mail_delivered(&mail.id, NOW + MAIL_LEASE)
        .await
        .unwrap();
    assert_finished(&*store, &mail, MailStatus::Delivered, NOW + MAIL_LEASE).await;
    assert!(claim(&*store, NOW + 10 * MAIL_LEASE, &mail).await.is_none());
}

#[tokio::test]
async fn a_failed_attempt_waits_its_backoff_and_the_last_one_abandons_the_mail() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let mail = queued(&*store, NOW).await;
    assert_eq!(claim(&*store, NOW, &mail).await.unwrap().attempt, 1);
    let retry_at = NOW + retry_delay(1);
    assert_eq!(
        store.mail_failed(&mail.id, 1, NOW).await.unwrap(),
        MailFailure::RetryAt(retry_at)
    );
    let record = store.queued_mail(&mail.id).await.unwrap().unwrap();
    assert_eq!(
        (record.status, record.due_at),
        (MailStatus::Queued, retry_at)
    );
    assert_eq!(
        record.body.as_deref(),
        Some(mail.body.as_str()),
        "kept for the retry"
    );
    assert!(claim(&*store, retry_at - 1, &mail).await.is_none());
    assert_eq!(claim(&*store, retry_at, &mail).await.unwrap().attempt, 2);
    store.mail_failed(&mail.id, 2, retry_at).await.unwrap();

    let other = queued(&*store, NOW).await;
    let abandoned_at = fail_until_abandoned(&*store, &other, NOW).await;
    assert_eq!(
        abandoned_at,
        NOW + (1..MAIL_ATTEMPTS).map(retry_delay).sum::<UnixTime>()
    );
    assert_finished(&*store, &other, MailStatus::Abandoned, abandoned_at).await;
    assert!(
        claim(&*store, abandoned_at + 10 * MAIL_LEASE, &other)
            .await
            .is_none()
    );
    store.mail_delivered(&mail.id, retry_at).await.unwrap();
}

#[tokio::test]
async fn a_delivered_mail_loses_its_body_and_late_reports_change_nothing() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let mail = queued(&*store, NOW).await;
    claim(&*store, NOW, &mail).await.expect("due");
    store.mail_delivered(&mail.id, NOW + 1).await.unwrap();
    assert_finished(&*store, &mail, MailStatus::Delivered, NOW + 1).await;
    assert_eq!(
        store.mail_failed(&mail.id, 1, NOW + 2).await.unwrap(),
        MailFailure::Stale
    );
    store.mail_delivered(&mail.id, NOW + 3).await.unwrap();
    assert_finished(&*store, &mail, MailStatus::Delivered, NOW + 1).await;
    assert_eq!(
        store.mail_failed(&unique("mail-"), 1, NOW).await.unwrap(),
        MailFailure::Stale
    );
}

#[tokio::test]
async fn a_claim_whose_lease_ran_out_cannot_reschedule_the_mail() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let mail = queued(&*store, NOW).await;
    claim(&*store, NOW, &mail).await.expect("due");
    let later = NOW + MAIL_LEASE;
    assert_eq!(claim(&*store, later, &mail).await.unwrap().attempt, 2);
    // The first delivery reports its failure late: the second one holds the mail.
    assert_eq!(
        store.mail_failed(&mail.id, 1, later + 1).await.unwrap(),
        MailFailure::Stale
    );
    let record = store.queued_mail(&mail.id).await.unwrap().unwrap();
    assert_eq!((record.attempts, record.due_at), (2, later + MAIL_LEASE));
    // A late success still counts: the mail did go out.
    store.mail_delivered(&mail.id, later + 2).await.unwrap();
    assert_finished(&*store, &mail, MailStatus::Delivered, later + 2).await;
}

#[tokio::test]
async fn a_mail_whose_every_attempt_was_cut_short_is_abandoned_at_the_next_claim() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let mail = queued(&*store, NOW).await;
    let mut now = NOW;
    for attempt in 1..=MAIL_ATTEMPTS {
        assert_eq!(claim(&*store, now, &mail).await.unwrap().attempt, attempt);
        now += MAIL_LEASE;
    }
    let claimed = store.claim_mails(now, LIMIT).await.unwrap();
    assert!(claimed.mails.iter().all(|claim| claim.mail.id != mail.id));
    let abandoned = claimed
        .abandoned
        .iter()
        .find(|abandoned| abandoned.id == mail.id)
        .expect("given up");
    assert_eq!(
        (abandoned.subject.as_str(), abandoned.attempts),
        (mail.subject.as_str(), MAIL_ATTEMPTS)
    );
    assert_finished(&*store, &mail, MailStatus::Abandoned, now).await;
}

#[tokio::test]
async fn claims_take_the_longest_due_first_up_to_the_limit() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    // Long before every other test's mails, so nothing else is due yet.
    let early = NOW - 100_000_000;
    let newer = queued(&*store, early + 2).await;
    let older = queued(&*store, early).await;
    let ids = |claimed: Vec<ClaimedMail>| -> Vec<String> {
        claimed.into_iter().map(|claim| claim.mail.id).collect()
    };
    let first = store.claim_mails(early + 5, 1).await.unwrap();
    assert_eq!(ids(first.mails), [older.id.as_str()]);
    let second = store.claim_mails(early + 5, LIMIT).await.unwrap();
    assert_eq!(ids(second.mails), [newer.id.as_str()]);
    for mail in [&older, &newer] {
        store.mail_delivered(&mail.id, early + 6).await.unwrap();
    }
}

#[tokio::test]
async fn finished_mails_are_purged_a_day_after_they_finish_and_queued_ones_never() {
    let _turn = my_turn().await;
    let store = backend::open().await;
    let day = 86_400;
    let delivered = queued(&*store, NOW).await;
    claim(&*store, NOW, &delivered).await.expect("due");
    store.mail_delivered(&delivered.id, NOW).await.unwrap();
    let abandoned = queued(&*store, NOW).await;
    let abandoned_at = fail_until_abandoned(&*store, &abandoned, NOW).await;
    let waiting = queued(&*store, NOW + 100 * day).await;
    let kept = async |mail: &OutgoingMail| store.queued_mail(&mail.id).await.unwrap().is_some();

    store.purge_expired(NOW + day - 1).await.unwrap();
    assert!(kept(&delivered).await, "kept for a day");
    store.purge_expired(NOW + day).await.unwrap();
    assert!(!kept(&delivered).await);
    store.purge_expired(abandoned_at + day - 1).await.unwrap();
    assert!(kept(&abandoned).await, "kept for a day");
    store.purge_expired(abandoned_at + day).await.unwrap();
    assert!(!kept(&abandoned).await);
    store.purge_expired(NOW + 200 * day).await.unwrap();
    assert!(kept(&waiting).await, "a queued mail waits whatever its age");
    store.mail_delivered(&waiting.id, NOW).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn instances_claiming_at_once_each_take_different_mails_and_lose_none() {
    let _turn = my_turn().await;
    let backend = backend::open().await;
    let mut mine = Vec::new();
    for _ in 0..20 {
        mine.push(queued(&*backend, NOW).await.id);
    }
    // Eight workers (as if eight server instances) claim three at a time, all at
    // once, until the queue has nothing due for them.
    let store = backend.store.clone();
    let workers = all_at_once((0..8).collect(), |_: usize| {
        let store = store.clone();
        async move {
            let mut taken = Vec::new();
            loop {
                let claimed = store.claim_mails(NOW, 3).await.unwrap();
                if claimed.mails.is_empty() {
                    return taken;
                }
                taken.extend(claimed.mails);
            }
        }
    })
    .await;
    let mut claims: Vec<ClaimedMail> = workers.into_iter().flatten().collect();
    claims.retain(|claim| mine.contains(&claim.mail.id));
    let mut claimed: Vec<String> = claims.iter().map(|c| c.mail.id.clone()).collect();
    claimed.sort();
    mine.sort();
    assert_eq!(claimed, mine, "every mail claimed exactly once");
    assert!(claims.iter().all(|claim| claim.attempt == 1));
    for id in &mine {
        let record = backend.queued_mail(id).await.unwrap().unwrap();
        assert_eq!((record.status, record.attempts), (MailStatus::Queued, 1));
        backend.mail_delivered(id, NOW).await.unwrap();
    }
}
