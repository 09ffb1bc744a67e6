//! Synced workspaces: reached by their owner or their team's members only (and no
//! longer once removed), created once per id, operations applied only on the revision
//! they were made on (else refused with the entity as it stands), the same operation
//! applied once however often it arrives (its id kept 30 days), tombstones, pulls in
//! sequence order and in pages, pushes racing on one workspace each taking their own
//! sequence numbers, and a workspace deleted (by its owner, or a team's admin) with
//! everything in it.

use courier_store::{
    EntityRecord, Operation, OperationResult, Store, TeamRole, User, WorkspaceCreation,
    WorkspaceDeletion, WorkspaceOwner,
};

use crate::backend::{NOW, RACERS, at_once, open, team_with, unique, user};

fn put(entity_id: &str, base_revision: i64, fields: &str) -> Operation {
    Operation {
        id: unique("op-"),
        entity: "request".into(),
        entity_id: entity_id.into(),
        base_revision,
        fields: Some(fields.into()),
    }
}

fn delete(entity_id: &str, base_revision: i64) -> Operation {
    Operation {
        fields: None,
        ..put(entity_id, base_revision, "")
    }
}

async fn own_workspace(store: &dyn Store, owner: &User) -> String {
    let id = unique("ws-");
    let created = store
        .create_workspace(
            &id,
            &WorkspaceOwner::Account(owner.id.clone()),
            &owner.id,
            NOW,
        )
        .await
        .unwrap();
    assert!(matches!(created, WorkspaceCreation::Created(_)));
    id
}

async fn push(
    store: &dyn Store,
    who: &User,
    workspace: &str,
    ops: &[Operation],
) -> Vec<OperationResult> {
    store
        .push(&who.id, workspace, ops, NOW)
        .await
        .unwrap()
        .expect("the workspace is reachable")
        .results
}

/// `who` neither finds, pushes to nor pulls from `workspace`.
async fn out_of_reach(store: &dyn Store, who: &User, workspace: &str) {
    assert_eq!(store.workspace_for(&who.id, workspace).await.unwrap(), None);
    let operations = [put("x", 0, "{}")];
    let pushed = store.push(&who.id, workspace, &operations, NOW);
    assert_eq!(pushed.await.unwrap(), None);
    let pulled = store.changes_since(&who.id, workspace, 0, 10);
    assert_eq!(pulled.await.unwrap(), None);
}

fn applied(revision: i64, seq: i64) -> OperationResult {
    OperationResult::Applied { revision, seq }
}

#[tokio::test]
async fn a_workspace_is_created_once_and_reached_only_by_its_owner() {
    let store = open().await;
    let (ada, grace) = (user(&*store).await, user(&*store).await);
    let id = own_workspace(&*store, &ada).await;
    let mine = WorkspaceOwner::Account(ada.id.clone());
    let again = store
        .create_workspace(&id, &mine, &ada.id, NOW + 5)
        .await
        .unwrap();
    let WorkspaceCreation::Exists(record) = again else {
        panic!("a second creation finds the first: {again:?}")
    };
    assert_eq!((record.seq, record.created_at), (0, NOW));
    let theirs = WorkspaceOwner::Account(grace.id.clone());
    assert_eq!(
        store
            .create_workspace(&id, &theirs, &grace.id, NOW)
            .await
            .unwrap(),
        WorkspaceCreation::Refused,
        "an id taken by someone else's workspace"
    );
    assert_eq!(
        store
            .create_workspace(&unique("ws-"), &mine, &grace.id, NOW)
            .await
            .unwrap(),
        WorkspaceCreation::Refused,
        "a workspace for another account"
    );
    assert_eq!(
        store.workspaces_of(&ada.id).await.unwrap(),
        vec![record.clone()]
    );
    assert!(store.workspaces_of(&grace.id).await.unwrap().is_empty());
    out_of_reach(&*store, &grace, &id).await;
    assert_eq!(store.audience(&id).await.unwrap(), vec![ada.id.clone()]);
}

#[tokio::test]
async fn operations_apply_on_their_base_revision_and_are_refused_with_the_entity_otherwise() {
    let store = open().await;
    let ada = user(&*store).await;
    let ws = own_workspace(&*store, &ada).await;
    let results = push(
        &*store,
        &ada,
        &ws,
        &[
            put("r1", 0, r#"{"name":"one"}"#),
            put("r2", 0, "{}"),
            put("r1", 1, r#"{"name":"One"}"#),
        ],
    )
    .await;
    assert_eq!(results, vec![applied(1, 1), applied(1, 2), applied(2, 3)]);

    // Another device still on revision 1 of r1: refused, and told what stands.
    let stale = push(&*store, &ada, &ws, &[put("r1", 1, r#"{"name":"uno"}"#)]).await;
    let expected = EntityRecord {
        entity: "request".into(),
        id: "r1".into(),
        revision: 2,
        seq: 3,
        fields: Some(r#"{"name":"One"}"#.into()),
    };
    assert_eq!(
        stale,
        vec![OperationResult::Conflict {
            current: Some(expected)
        }]
    );
    assert_eq!(
        push(
            &*store,
            &ada,
            &ws,
            &[put("r2", 0, "{}"), put("nope", 4, "{}")]
        )
        .await,
        vec![
            OperationResult::Conflict {
                current: store
                    .changes_since(&ada.id, &ws, 1, 1)
                    .await
                    .unwrap()
                    .unwrap()
                    .changes
                    .pop()
            },
            OperationResult::Conflict { current: None },
        ],
        "a second create of r2, and an edit of what the server never had"
    );
    let record = store.workspace_for(&ada.id, &ws).await.unwrap().unwrap();
    assert_eq!(record.seq, 3, "refusals take no sequence number");
}

#[tokio::test]
async fn the_same_operation_delivered_twice_is_applied_once_and_answered_alike() {
    let store = open().await;
    let ada = user(&*store).await;
    let ws = own_workspace(&*store, &ada).await;
    let create = put("r", 0, r#"{"n":1}"#);
    let edit = put("r", 1, r#"{"n":2}"#);
    assert_eq!(
        push(&*store, &ada, &ws, &[create.clone(), edit.clone()]).await,
        vec![applied(1, 1), applied(2, 2)]
    );
    // The answer was lost; the device sends both again, and once more in one batch.
    assert_eq!(
        push(&*store, &ada, &ws, &[create.clone(), edit.clone()]).await,
        vec![applied(1, 1), applied(2, 2)]
    );
    assert_eq!(
        push(&*store, &ada, &ws, &[edit.clone(), edit]).await,
        vec![applied(2, 2), applied(2, 2)]
    );
    let page = store
        .changes_since(&ada.id, &ws, 0, 10)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((page.seq, page.changes.len()), (2, 1));
    assert_eq!(page.changes[0].fields.as_deref(), Some(r#"{"n":2}"#));
}

#[tokio::test]
async fn an_operation_id_is_remembered_for_30_days_and_a_later_resend_is_judged_on_its_base() {
    let store = open().await;
    let ada = user(&*store).await;
    let ws = own_workspace(&*store, &ada).await;
    let create = put("r", 0, r#"{"n":1}"#);
    push(&*store, &ada, &ws, std::slice::from_ref(&create)).await;
    let month = 30 * 24 * 3600;
    store.purge_expired(NOW + month - 1).await.unwrap();
    assert_eq!(
        push(&*store, &ada, &ws, std::slice::from_ref(&create)).await,
        vec![applied(1, 1)],
        "still remembered"
    );
    store.purge_expired(NOW + month).await.unwrap();
    assert!(
        matches!(
            &push(&*store, &ada, &ws, &[create]).await[0],
            OperationResult::Conflict { current: Some(entity) } if entity.revision == 1
        ),
        "forgotten: a create on an entity that exists"
    );
}

#[tokio::test]
async fn a_delete_leaves_a_tombstone_that_pulls_list_and_an_edit_on_it_brings_back() {
    let store = open().await;
    let ada = user(&*store).await;
    let ws = own_workspace(&*store, &ada).await;
    push(&*store, &ada, &ws, &[put("r", 0, r#"{"n":1}"#)]).await;
    assert_eq!(
        push(&*store, &ada, &ws, &[delete("r", 1)]).await,
        vec![applied(2, 2)]
    );
    assert_eq!(
        push(&*store, &ada, &ws, &[delete("r", 2)]).await,
        vec![applied(2, 2)],
        "deleting what is deleted writes nothing"
    );
    let page = store
        .changes_since(&ada.id, &ws, 1, 10)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(page.changes.len(), 1);
    assert_eq!(
        (page.changes[0].revision, page.changes[0].fields.as_deref()),
        (2, None)
    );
    assert!(
        matches!(&push(&*store, &ada, &ws, &[put("r", 0, "{}")]).await[0], OperationResult::Conflict { current: Some(c) } if c.fields.is_none()),
        "creating it again under its id meets the tombstone"
    );
    assert_eq!(
        push(&*store, &ada, &ws, &[put("r", 2, r#"{"n":3}"#)]).await,
        vec![applied(3, 3)]
    );
}

#[tokio::test]
async fn pulls_list_each_entity_once_at_its_last_change_in_sequence_pages() {
    let store = open().await;
    let ada = user(&*store).await;
    let ws = own_workspace(&*store, &ada).await;
    let creates: Vec<Operation> = (0..5).map(|i| put(&format!("r{i}"), 0, "{}")).collect();
    push(&*store, &ada, &ws, &creates).await;
    push(&*store, &ada, &ws, &[put("r1", 1, r#"{"x":1}"#)]).await;
    // Sequence numbers: r0 1, r2 3, r3 4, r4 5, r1 6.
    let first = store
        .changes_since(&ada.id, &ws, 0, 2)
        .await
        .unwrap()
        .unwrap();
    let ids = |page: &courier_store::ChangesPage| {
        page.changes
            .iter()
            .map(|c| c.id.clone())
            .collect::<Vec<_>>()
    };
    assert_eq!(
        (ids(&first), first.seq, first.more),
        (vec!["r0".to_owned(), "r2".to_owned()], 3, true)
    );
    let second = store
        .changes_since(&ada.id, &ws, first.seq, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ids(&second), second.seq, second.more),
        (vec!["r3".to_owned(), "r4".to_owned()], 5, true)
    );
    let last = store
        .changes_since(&ada.id, &ws, second.seq, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (ids(&last), last.seq, last.more),
        (vec!["r1".to_owned()], 6, false)
    );
    let nothing = store
        .changes_since(&ada.id, &ws, 6, 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (nothing.changes.len(), nothing.seq, nothing.more),
        (0, 6, false)
    );
}

#[tokio::test]
async fn a_team_workspace_is_every_members_until_they_are_removed() {
    let store = open().await;
    let (ada, grace, eve) = (
        user(&*store).await,
        user(&*store).await,
        user(&*store).await,
    );
    let team = team_with(&*store, &ada, &[&grace]).await;
    let owner = WorkspaceOwner::Team(team.clone());
    let ws = unique("ws-");
    assert_eq!(
        store
            .create_workspace(&ws, &owner, &eve.id, NOW)
            .await
            .unwrap(),
        WorkspaceCreation::Refused,
        "not a member"
    );
    assert!(matches!(
        store
            .create_workspace(&ws, &owner, &ada.id, NOW)
            .await
            .unwrap(),
        WorkspaceCreation::Created(_)
    ));

    assert_eq!(
        push(&*store, &ada, &ws, &[put("r", 0, "{}")]).await,
        vec![applied(1, 1)]
    );
    assert_eq!(
        push(&*store, &grace, &ws, &[put("r", 1, r#"{"by":"grace"}"#)]).await,
        vec![applied(2, 2)]
    );
    assert_eq!(store.workspaces_of(&grace.id).await.unwrap().len(), 1);
    let mut audience = store.audience(&ws).await.unwrap();
    audience.sort();
    let mut expected = vec![ada.id.clone(), grace.id.clone()];
    expected.sort();
    assert_eq!(audience, expected);
    assert_eq!(
        store
            .push(&eve.id, &ws, &[put("x", 0, "{}")], NOW)
            .await
            .unwrap(),
        None
    );

    store.remove_member(&team, &grace.id).await.unwrap();
    out_of_reach(&*store, &grace, &ws).await;
    assert!(store.workspaces_of(&grace.id).await.unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn pushes_racing_on_one_workspace_each_take_their_own_sequence_numbers() {
    let backend = open().await;
    let ada = user(&*backend).await;
    let ws = own_workspace(&*backend, &ada).await;
    let results = at_once(&backend.store, RACERS, |i, store| {
        let (ada, ws) = (ada.id.clone(), ws.clone());
        async move {
            let ops = [
                put(&format!("a{i}"), 0, "{}"),
                put(&format!("b{i}"), 0, "{}"),
            ];
            store.push(&ada, &ws, &ops, NOW).await.unwrap().unwrap()
        }
    })
    .await;
    let mut seqs: Vec<i64> = results
        .iter()
        .flat_map(|pushed| pushed.results.iter())
        .map(|result| match result {
            OperationResult::Applied { seq, .. } => *seq,
            other => panic!("every create applies: {other:?}"),
        })
        .collect();
    seqs.sort_unstable();
    let expected: Vec<i64> = (1..=(2 * RACERS as i64)).collect();
    assert_eq!(seqs, expected, "no number given twice, none skipped");
    // And the same entity edited by all of them on one revision: exactly one applies.
    backend
        .push(&ada.id, &ws, &[put("hot", 0, "{}")], NOW)
        .await
        .unwrap();
    let edits = at_once(&backend.store, RACERS, |i, store| {
        let (ada, ws) = (ada.id.clone(), ws.clone());
        async move {
            let op = put("hot", 1, &format!(r#"{{"by":{i}}}"#));
            store
                .push(&ada, &ws, &[op], NOW)
                .await
                .unwrap()
                .unwrap()
                .results
        }
    })
    .await;
    let winners = edits
        .iter()
        .filter(|results| matches!(results[0], OperationResult::Applied { .. }))
        .count();
    assert_eq!(winners, 1);
}

async fn delete_as(store: &dyn Store, who: &User, workspace: &str) -> WorkspaceDeletion {
    store.delete_workspace(workspace, &who.id).await.unwrap()
}

fn sorted(mut ids: Vec<String>) -> Vec<String> {
    ids.sort();
    ids
}

#[tokio::test]
async fn an_accounts_workspace_is_deleted_by_its_owner_with_everything_in_it() {
    let store = open().await;
    let (ada, grace) = (user(&*store).await, user(&*store).await);
    let ws = own_workspace(&*store, &ada).await;
    let create = put("r", 0, r#"{"name":"one"}"#);
    push(&*store, &ada, &ws, std::slice::from_ref(&create)).await;
    store
        .put_account_key(&ada.id, "pk-ada", "sealed", NOW)
        .await
        .unwrap();
    let wraps = [(ada.id.clone(), "v1-for-ada".to_owned())];
    store
        .publish_workspace_key(&ws, &ada.id, 1, &wraps, NOW)
        .await
        .unwrap()
        .expect("reachable");

    assert_eq!(
        delete_as(&*store, &grace, &ws).await,
        WorkspaceDeletion::NotFound
    );
    assert_eq!(
        delete_as(&*store, &ada, "no-such-ws").await,
        WorkspaceDeletion::NotFound
    );
    assert_eq!(
        store.workspaces_of(&ada.id).await.unwrap().len(),
        1,
        "still there"
    );

    assert_eq!(
        delete_as(&*store, &ada, &ws).await,
        WorkspaceDeletion::Deleted {
            audience: vec![ada.id.clone()]
        }
    );
    assert_eq!(
        delete_as(&*store, &ada, &ws).await,
        WorkspaceDeletion::NotFound
    );
    out_of_reach(&*store, &ada, &ws).await;
    assert!(store.workspaces_of(&ada.id).await.unwrap().is_empty());
    assert_eq!(store.workspace_keys(&ws, &ada.id).await.unwrap(), None);
    assert!(store.audience(&ws).await.unwrap().is_empty());

    // The id is free: registered again it starts empty, with no log, keys or
    // remembered operations of the old one.
    let again = store
        .create_workspace(&ws, &WorkspaceOwner::Account(ada.id.clone()), &ada.id, NOW)
        .await
        .unwrap();
    assert!(matches!(again, WorkspaceCreation::Created(ref record) if record.seq == 0));
    let pulled = store
        .changes_since(&ada.id, &ws, 0, 10)
        .await
        .unwrap()
        .unwrap();
    assert!(pulled.changes.is_empty());
    let keys = store.workspace_keys(&ws, &ada.id).await.unwrap().unwrap();
    assert_eq!((keys.current_version, keys.mine.len()), (0, 0));
    assert_eq!(
        push(&*store, &ada, &ws, &[create]).await,
        vec![applied(1, 1)],
        "the old operation id is not remembered: applied anew"
    );
}

#[tokio::test]
async fn a_teams_workspace_is_deleted_by_a_team_admin_only() {
    let store = open().await;
    let (ada, grace, eve) = (
        user(&*store).await,
        user(&*store).await,
        user(&*store).await,
    );
    let team = team_with(&*store, &ada, &[&grace]).await;
    let owner = WorkspaceOwner::Team(team.clone());
    let (first, second) = (unique("ws-"), unique("ws-"));
    for ws in [&first, &second] {
        let created = store
            .create_workspace(ws, &owner, &grace.id, NOW)
            .await
            .unwrap();
        assert!(matches!(created, WorkspaceCreation::Created(_)));
        push(&*store, &grace, ws, &[put("r", 0, "{}")]).await;
    }

    assert_eq!(
        delete_as(&*store, &eve, &first).await,
        WorkspaceDeletion::NotFound
    );
    assert_eq!(
        delete_as(&*store, &grace, &first).await,
        WorkspaceDeletion::Forbidden,
        "a member who made it is still not an admin"
    );
    assert_eq!(store.workspaces_of(&grace.id).await.unwrap().len(), 2);

    let WorkspaceDeletion::Deleted { audience } = delete_as(&*store, &ada, &first).await else {
        panic!("an admin deletes the team's workspace")
    };
    assert_eq!(
        sorted(audience),
        sorted(vec![ada.id.clone(), grace.id.clone()]),
        "everyone who reached it just before"
    );
    assert_eq!(store.workspaces_of(&grace.id).await.unwrap().len(), 1);
    out_of_reach(&*store, &grace, &first).await;

    // The role is read when deleting: promoted, the member may.
    store
        .set_role(&team, &grace.id, TeamRole::Admin)
        .await
        .unwrap();
    assert!(matches!(
        delete_as(&*store, &grace, &second).await,
        WorkspaceDeletion::Deleted { .. }
    ));
    assert!(store.workspaces_of(&ada.id).await.unwrap().is_empty());
}
