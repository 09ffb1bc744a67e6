//! Billing: a team's account created once and written only on the revision the write
//! read (a stale or racing write, or a second create, writes nothing: neither state nor
//! invoices), invoices listed newest first a page at a time (equal times by id), an
//! invoice number unique within its team (a taken one conflicts and undoes the write),
//! invoice updates only of the team's own invoices (any other undoes the write), the
//! accounts due soonest first, a webhook event taken once, and what a team uses counted
//! as its plan counts it (live invitations only, its own workspaces only).

use courier_store::{
    BillingAccountRecord, BillingWrite, InvoiceRecord, InvoiceUpdate, MemberChange, NewInvitation,
    Store, StoreError, TeamRole, TeamUsage, UnixTime, User, WorkspaceCreation, WorkspaceDeletion,
    WorkspaceOwner,
};

use crate::backend::{NOW, RACERS, at_once, open, team_with, unique, user};

/// A team of a new admin's (its only member), with the admin.
async fn new_team(store: &dyn Store) -> (User, String) {
    let admin = user(store).await;
    let team = team_with(store, &admin, &[]).await;
    (admin, team)
}

/// An open invoice of `team` numbered `number`, issued at `issued_at`; its id is
/// `id`.
fn invoice(team: &str, id: &str, number: &str, issued_at: UnixTime) -> InvoiceRecord {
    InvoiceRecord {
        id: id.to_owned(),
        team_id: team.to_owned(),
        number: number.to_owned(),
        issued_at,
        period_start: issued_at,
        period_end: issued_at + 30 * 86_400,
        total_minor: 4_800,
        currency: "EUR".to_owned(),
        status: "open".to_owned(),
        document: format!(r#"{{"number":"{number}"}}"#),
        charge_id: None,
        updated_at: issued_at,
    }
}

/// A write of `state` for `team` from `expected`, due in a month, with no invoices.
fn write(team: &str, expected: Option<i64>, state: &str) -> BillingWrite {
    BillingWrite {
        team_id: team.to_owned(),
        expected_revision: expected,
        state: state.to_owned(),
        due_at: Some(NOW + 30 * 86_400),
        now: NOW,
        new_invoices: Vec::new(),
        invoice_updates: Vec::new(),
    }
}

async fn save(store: &dyn Store, write: &BillingWrite) -> Option<BillingAccountRecord> {
    store.save_billing(write).await.unwrap()
}

/// The team's account, which must exist.
async fn account(store: &dyn Store, team: &str) -> BillingAccountRecord {
    store
        .billing_account(team)
        .await
        .unwrap()
        .expect("an account")
}

/// The team's invoices, newest first (all of them).
async fn all_invoices(store: &dyn Store, team: &str) -> Vec<InvoiceRecord> {
    store.invoices(team, None, 100).await.unwrap()
}

fn paid(id: &str, charge: &str) -> InvoiceUpdate {
    InvoiceUpdate {
        id: id.to_owned(),
        status: "paid".to_owned(),
        charge_id: Some(charge.to_owned()),
    }
}

#[tokio::test]
async fn the_first_write_creates_the_account_and_a_second_create_writes_nothing() {
    let store = open().await;
    let (_, team) = new_team(&*store).await;
    assert_eq!(store.billing_account(&team).await.unwrap(), None, "Free");

    let mut first = write(&team, None, "s1");
    first.new_invoices = vec![invoice(&team, &unique("in-"), "1", NOW)];
    let created = save(&*store, &first).await.expect("created");
    let expected = BillingAccountRecord {
        team_id: team.clone(),
        state: "s1".to_owned(),
        due_at: Some(NOW + 30 * 86_400),
        revision: 1,
        updated_at: NOW,
    };
    assert_eq!(created, expected);
    assert_eq!(account(&*store, &team).await, expected);
    assert_eq!(all_invoices(&*store, &team).await, first.new_invoices);

    let mut again = write(&team, None, "s1-again");
    again.now = NOW + 5;
    again.new_invoices = vec![invoice(&team, &unique("in-"), "2", NOW + 5)];
    assert_eq!(save(&*store, &again).await, None, "the account exists");
    assert_eq!(account(&*store, &team).await, expected);
    assert_eq!(store.invoice_count(&team).await.unwrap(), 1);
    assert_eq!(
        store.invoice(&again.new_invoices[0].id).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn a_write_lands_on_the_revision_it_read_and_a_stale_one_writes_nothing() {
    let store = open().await;
    let (_, team) = new_team(&*store).await;
    let first_invoice = invoice(&team, &unique("in-"), "1", NOW);
    let mut first = write(&team, None, "s1");
    first.new_invoices = vec![first_invoice.clone()];
    save(&*store, &first).await.unwrap();

    let mut second = write(&team, Some(1), "s2");
    second.due_at = None;
    second.now = NOW + 60;
    let updated = save(&*store, &second).await.expect("on revision 1");
    let expected = BillingAccountRecord {
        team_id: team.clone(),
        state: "s2".to_owned(),
        due_at: None,
        revision: 2,
        updated_at: NOW + 60,
    };
    assert_eq!(updated, expected);
    assert_eq!(account(&*store, &team).await, expected);

    // Computed from revision 1 too: the renewal that lost to the change above.
    let mut stale = write(&team, Some(1), "s2-stale");
    stale.now = NOW + 120;
    stale.new_invoices = vec![invoice(&team, &unique("in-"), "2", NOW + 120)];
    stale.invoice_updates = vec![paid(&first_invoice.id, "ch_stale")];
    assert_eq!(save(&*store, &stale).await, None);
    assert_eq!(account(&*store, &team).await, expected);
    assert_eq!(all_invoices(&*store, &team).await, vec![first_invoice]);
    let ahead = write(&team, Some(3), "s4");
    assert_eq!(save(&*store, &ahead).await, None, "a revision never stored");
    assert_eq!(account(&*store, &team).await.revision, 2);

    // An update of a team without an account creates nothing.
    let (_, free) = new_team(&*store).await;
    assert_eq!(save(&*store, &write(&free, Some(1), "s")).await, None);
    assert_eq!(store.billing_account(&free).await.unwrap(), None);

    let third = save(&*store, &write(&team, Some(2), "s3")).await.unwrap();
    assert_eq!((third.revision, third.state.as_str()), (3, "s3"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn writes_racing_from_one_read_land_once() {
    let backend = open().await;
    let (_, team) = new_team(&*backend).await;
    // Rounds from the create on: each a fresh chance for two writes to meet.
    for expected in [None, Some(1), Some(2), Some(3)] {
        let answers = at_once(&backend.store, RACERS, |i, store| {
            let mut racing = write(&team, expected, &format!("racer-{i}"));
            racing.new_invoices = vec![invoice(&team, &unique("in-"), &unique("n-"), NOW)];
            async move { store.save_billing(&racing).await.unwrap() }
        })
        .await;
        let landed: Vec<&BillingAccountRecord> = answers.iter().flatten().collect();
        assert_eq!(landed.len(), 1, "from {expected:?}: {answers:?}");
        let revision = expected.map_or(1, |r| r + 1);
        assert_eq!(landed[0].revision, revision);
        assert_eq!(account(&*backend, &team).await, *landed[0]);
        assert_eq!(
            backend.invoice_count(&team).await.unwrap(),
            u32::try_from(revision).unwrap(),
            "only the winner's invoice"
        );
    }
}

#[tokio::test]
async fn invoices_are_listed_newest_first_a_page_at_a_time() {
    let store = open().await;
    let (_, team) = new_team(&*store).await;
    let (_, other) = new_team(&*store).await;
    let base = unique("in-");
    let id = |suffix: &str| format!("{base}-{suffix}");
    // Two issued in the same second: the greater id is the newer.
    let made = vec![
        invoice(&team, &id("a"), "1", NOW),
        invoice(&team, &id("c"), "2", NOW + 100),
        invoice(&team, &id("b"), "3", NOW + 100),
        invoice(&team, &id("d"), "4", NOW + 200),
        invoice(&team, &id("e"), "5", NOW + 300),
    ];
    let mut first = write(&team, None, "s");
    first.new_invoices = made.clone();
    save(&*store, &first).await.unwrap();
    let mut theirs = write(&other, None, "s");
    theirs.new_invoices = vec![invoice(&other, &id("z"), "1", NOW + 150)];
    save(&*store, &theirs).await.unwrap();

    let newest_first = |order: &[usize]| order.iter().map(|i| made[*i].clone()).collect::<Vec<_>>();
    let page = |before: Option<String>, limit: u32| {
        let (store, team) = (&store, &team);
        async move {
            store
                .invoices(team, before.as_deref(), limit)
                .await
                .unwrap()
        }
    };
    assert_eq!(
        all_invoices(&*store, &team).await,
        newest_first(&[4, 3, 1, 2, 0])
    );
    assert_eq!(page(None, 2).await, newest_first(&[4, 3]));
    assert_eq!(page(Some(id("d")), 2).await, newest_first(&[1, 2]));
    assert_eq!(
        page(Some(id("c")), 2).await,
        newest_first(&[2, 0]),
        "c's twin b is older"
    );
    assert_eq!(page(Some(id("b")), 2).await, newest_first(&[0]));
    assert_eq!(page(Some(id("a")), 2).await, Vec::new());
    assert_eq!(page(None, 0).await, Vec::new());
    assert_eq!(
        page(Some(id("z")), 10).await,
        Vec::new(),
        "another team's id"
    );
    assert_eq!(
        page(Some(unique("in-")), 10).await,
        Vec::new(),
        "no such id"
    );

    assert_eq!(store.invoice_count(&team).await.unwrap(), 5);
    assert_eq!(store.invoice_count(&other).await.unwrap(), 1);
    let (_, free) = new_team(&*store).await;
    assert_eq!(store.invoice_count(&free).await.unwrap(), 0);
    assert_eq!(all_invoices(&*store, &free).await, Vec::new());

    assert_eq!(
        store.invoice(&id("b")).await.unwrap(),
        Some(made[2].clone())
    );
    assert_eq!(
        store.invoice(&id("z")).await.unwrap(),
        Some(theirs.new_invoices[0].clone()),
        "by id alone, whichever team's"
    );
    assert_eq!(store.invoice(&unique("in-")).await.unwrap(), None);
}

#[tokio::test]
async fn an_invoice_number_taken_in_the_team_conflicts_and_writes_nothing() {
    let store = open().await;
    let (_, team) = new_team(&*store).await;
    let taken = invoice(&team, &unique("in-"), "2031-0001", NOW);
    let mut first = write(&team, None, "s1");
    first.new_invoices = vec![taken.clone()];
    let before = save(&*store, &first).await.unwrap();

    let mut same_number = write(&team, Some(1), "s2");
    same_number.new_invoices = vec![
        invoice(&team, &unique("in-"), "2031-0002", NOW + 1),
        invoice(&team, &unique("in-"), "2031-0001", NOW + 1),
    ];
    let error = store.save_billing(&same_number).await.unwrap_err();
    assert!(error.is_conflict(), "{error}");
    let mut same_id = write(&team, Some(1), "s2");
    same_id.new_invoices = vec![invoice(&team, &taken.id, "2031-0003", NOW + 1)];
    let error = store.save_billing(&same_id).await.unwrap_err();
    assert!(error.is_conflict(), "{error}");
    assert_eq!(account(&*store, &team).await, before, "state unchanged");
    assert_eq!(all_invoices(&*store, &team).await, vec![taken.clone()]);

    // Twice in one create: not even the account is written.
    let (_, fresh) = new_team(&*store).await;
    let mut twice = write(&fresh, None, "s1");
    twice.new_invoices = vec![
        invoice(&fresh, &unique("in-"), "1", NOW),
        invoice(&fresh, &unique("in-"), "1", NOW),
    ];
    assert!(store.save_billing(&twice).await.unwrap_err().is_conflict());
    assert_eq!(store.billing_account(&fresh).await.unwrap(), None);
    assert_eq!(store.invoice_count(&fresh).await.unwrap(), 0);

    // The number is the team's own: another team numbers from the same series.
    let mut elsewhere = write(&fresh, None, "s1");
    elsewhere.new_invoices = vec![invoice(&fresh, &unique("in-"), "2031-0001", NOW)];
    assert!(save(&*store, &elsewhere).await.is_some());
}

#[tokio::test]
async fn an_update_of_an_invoice_not_the_teams_own_writes_nothing() {
    let store = open().await;
    let (_, team) = new_team(&*store).await;
    let (_, other) = new_team(&*store).await;
    let ours = invoice(&team, &unique("in-"), "1", NOW);
    let theirs = invoice(&other, &unique("in-"), "1", NOW);
    for (who, made) in [(&team, &ours), (&other, &theirs)] {
        let mut first = write(who, None, "s1");
        first.new_invoices = vec![made.clone()];
        save(&*store, &first).await.unwrap();
    }
    let before = account(&*store, &team).await;

    for foreign in [theirs.id.clone(), unique("in-")] {
        let mut update = write(&team, Some(1), "s2");
        update.now = NOW + 60;
        // A valid update first: it must not land without the other.
        update.invoice_updates = vec![paid(&ours.id, "ch_1"), paid(&foreign, "ch_2")];
        update.new_invoices = vec![invoice(&team, &unique("in-"), "2", NOW + 60)];
        let error = store.save_billing(&update).await.unwrap_err();
        assert!(matches!(error, StoreError::Refused(_)), "{error}");
        assert!(error.to_string().contains(&foreign), "{error}");
        assert_eq!(account(&*store, &team).await, before);
        assert_eq!(all_invoices(&*store, &team).await, vec![ours.clone()]);
        assert_eq!(
            store.invoice(&theirs.id).await.unwrap(),
            Some(theirs.clone())
        );
    }

    // A new invoice must be the writing team's.
    let mut misplaced = write(&team, Some(1), "s2");
    misplaced.new_invoices = vec![invoice(&other, &unique("in-"), "9", NOW)];
    let error = store.save_billing(&misplaced).await.unwrap_err();
    assert!(matches!(error, StoreError::Refused(_)), "{error}");
    assert_eq!(store.invoice_count(&other).await.unwrap(), 1);
    assert_eq!(account(&*store, &team).await, before);

    let mut settle = write(&team, Some(1), "s2");
    settle.now = NOW + 90;
    settle.invoice_updates = vec![paid(&ours.id, "ch_1")];
    assert_eq!(save(&*store, &settle).await.unwrap().revision, 2);
    let settled = store.invoice(&ours.id).await.unwrap().unwrap();
    assert_eq!(
        (
            settled.status.as_str(),
            settled.charge_id.as_deref(),
            settled.updated_at
        ),
        ("paid", Some("ch_1"), NOW + 90)
    );
    assert_eq!(settled.document, ours.document, "the rest stays");
}

#[tokio::test]
async fn the_accounts_due_come_soonest_first() {
    let store = open().await;
    let mut teams = Vec::new();
    // Due an hour ago, a day ago, this second, in a second, never.
    for due_at in [
        Some(NOW - 3600),
        Some(NOW - 86_400),
        Some(NOW),
        Some(NOW + 1),
        None,
    ] {
        let (_, team) = new_team(&*store).await;
        let mut first = write(&team, None, "s");
        first.due_at = due_at;
        save(&*store, &first).await.unwrap();
        teams.push(team);
    }
    let named = |order: &[usize]| order.iter().map(|i| teams[*i].clone()).collect::<Vec<_>>();
    assert_eq!(store.billing_due(NOW, 10).await.unwrap(), named(&[1, 0, 2]));
    assert_eq!(store.billing_due(NOW, 2).await.unwrap(), named(&[1, 0]));
    assert_eq!(
        store.billing_due(NOW - 86_401, 10).await.unwrap(),
        Vec::<String>::new()
    );
    assert_eq!(
        store.billing_due(UnixTime::MAX, 10).await.unwrap(),
        named(&[1, 0, 2, 3]),
        "never due, however late"
    );

    // Taken care of: due again in a month.
    let mut renewed = write(&teams[1], Some(1), "s");
    renewed.due_at = Some(NOW + 30 * 86_400);
    save(&*store, &renewed).await.unwrap();
    assert_eq!(store.billing_due(NOW, 10).await.unwrap(), named(&[0, 2]));
}

#[tokio::test]
async fn a_webhook_event_is_taken_once() {
    let store = open().await;
    let event = unique("evt_");
    assert!(store.record_webhook_event(&event, NOW).await.unwrap());
    assert!(
        !store.record_webhook_event(&event, NOW + 60).await.unwrap(),
        "a replay"
    );
    assert!(
        store
            .record_webhook_event(&unique("evt_"), NOW)
            .await
            .unwrap()
    );
}

/// Invites `email` to `team` as `admin` did at [`NOW`], until `expires_at`; the
/// invitation's id.
async fn invite(
    store: &dyn Store,
    team: &str,
    admin: &User,
    email: &str,
    expires_at: UnixTime,
) -> String {
    let invitation = NewInvitation {
        id: unique("inv-"),
        team_id: team.to_owned(),
        email: email.to_owned(),
        role: TeamRole::Member,
        digest: unique("digest-"),
        invited_by: admin.id.clone(),
        now: NOW,
        expires_at,
    };
    store.invite(&invitation).await.unwrap().id().to_owned()
}

async fn workspace(store: &dyn Store, owner: WorkspaceOwner, creator: &User) -> String {
    let id = unique("ws-");
    let created = store
        .create_workspace(&id, &owner, &creator.id, NOW)
        .await
        .unwrap();
    assert!(
        matches!(created, WorkspaceCreation::Created(_)),
        "{created:?}"
    );
    id
}

#[tokio::test]
async fn a_teams_usage_counts_members_live_invitations_and_its_own_workspaces() {
    let store = open().await;
    let admin = user(&*store).await;
    let (ada, grace) = (user(&*store).await, user(&*store).await);
    // Ada and Grace joined by invitations now accepted, which count no more.
    let team = team_with(&*store, &admin, &[&ada, &grace]).await;
    let (other_admin, other) = new_team(&*store).await;
    let later = NOW + 100;

    invite(&*store, &team, &admin, "live@example.test", later + 3600).await;
    invite(&*store, &team, &admin, "expired@example.test", later).await;
    let cancelled = invite(
        &*store,
        &team,
        &admin,
        "cancelled@example.test",
        later + 3600,
    )
    .await;
    assert!(
        store
            .cancel_invitation(&team, &cancelled, NOW)
            .await
            .unwrap()
    );
    invite(
        &*store,
        &other,
        &other_admin,
        "theirs@example.test",
        later + 3600,
    )
    .await;

    let shared = workspace(&*store, WorkspaceOwner::Team(team.clone()), &ada).await;
    workspace(&*store, WorkspaceOwner::Team(team.clone()), &admin).await;
    workspace(&*store, WorkspaceOwner::Account(admin.id.clone()), &admin).await;
    workspace(&*store, WorkspaceOwner::Team(other.clone()), &other_admin).await;

    let usage = |members, pending_invitations, workspaces| TeamUsage {
        members,
        pending_invitations,
        workspaces,
    };
    assert_eq!(
        store.team_usage(&team, later).await.unwrap(),
        usage(3, 1, 2)
    );
    assert_eq!(
        store.team_usage(&team, later - 1).await.unwrap(),
        usage(3, 2, 2),
        "a second before it expires"
    );
    assert_eq!(
        store.team_usage(&other, later).await.unwrap(),
        usage(1, 1, 1)
    );

    let deleted = store.delete_workspace(&shared, &admin.id).await.unwrap();
    assert!(
        matches!(deleted, WorkspaceDeletion::Deleted { .. }),
        "{deleted:?}"
    );
    let removed = store.remove_member(&team, &grace.id).await.unwrap();
    assert_eq!(removed, MemberChange::Done);
    assert_eq!(
        store.team_usage(&team, later).await.unwrap(),
        usage(2, 1, 1)
    );
    assert_eq!(
        store.team_usage(&unique("team-"), NOW).await.unwrap(),
        TeamUsage::default(),
        "no such team"
    );
}
