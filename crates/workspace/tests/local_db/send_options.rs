//! A workspace's send options: defaults until changed, kept across reopening, gone
//! with the workspace, refused for a workspace that does not exist.

use courier_workspace::db::ErrorKind;
use courier_workspace::model::SendOptions;
use courier_workspace::seal::Secrets;

use crate::common::Fixture;

#[tokio::test]
async fn send_options_default_until_changed_and_survive_reopening() {
    let mut fixture = Fixture::new().await;
    let (workspace, _) = fixture.workspace_with_collection().await;
    let scratch = fixture.db.scratch_pad().await.unwrap().meta.id;
    assert_eq!(
        fixture.db.send_options(&workspace).await.unwrap(),
        SendOptions::default()
    );

    let changed = SendOptions {
        timeout_ms: 0,
        follow_redirects: false,
        verify_tls: false,
    };
    fixture
        .db
        .set_send_options(&workspace, &changed)
        .await
        .unwrap();
    fixture.reopen(Secrets::Sealed(fixture.key.clone())).await;
    assert_eq!(fixture.db.send_options(&workspace).await.unwrap(), changed);
    // Another workspace keeps its own.
    assert_eq!(
        fixture.db.send_options(&scratch).await.unwrap(),
        SendOptions::default()
    );

    let error = fixture
        .db
        .set_send_options("no-such-workspace", &changed)
        .await
        .unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}

#[tokio::test]
async fn send_options_go_with_their_workspace() {
    let fixture = Fixture::new().await;
    let (workspace, _) = fixture.workspace_with_collection().await;
    let changed = SendOptions {
        verify_tls: false,
        ..SendOptions::default()
    };
    fixture
        .db
        .set_send_options(&workspace, &changed)
        .await
        .unwrap();
    fixture.db.delete_workspace(&workspace).await.unwrap();
    let error = fixture.db.send_options(&workspace).await.unwrap_err();
    assert_eq!(error.kind(), ErrorKind::NotFound);
}
