//! [`courier_store::Profiles`] and [`courier_store::Support`]: profile reads and the
//! all-or-nothing update, avatars, notification preferences, support requests.

use courier_proto::{DeliveryChannels, NotificationPreferences};
use courier_store::{NewAvatar, ProfileChanges, SupportRecord};

use crate::backend::{self, NOW, unique, user};

#[tokio::test]
async fn a_profile_update_applies_every_change_or_none() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let profile = store.profile(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        (profile.username.as_str(), profile.name.as_deref()),
        (ada.username.as_str(), Some("Ada"))
    );
    assert_eq!(
        (
            profile.bio.as_deref(),
            profile.links(),
            profile.public_profile
        ),
        (None, vec![], false)
    );
    assert_eq!(
        (profile.configured_at, profile.avatar_version.as_deref()),
        (None, None)
    );
    assert_eq!(profile.created_at, NOW);

    let renamed = unique("r");
    let changes = ProfileChanges {
        name: Some(None),
        username: Some(renamed.clone()),
        bio: Some(Some("Engines".to_owned())),
        website: Some(Some("https://example.test".to_owned())),
        links: Some(vec!["https://a.test".to_owned()]),
        public: Some(true),
        configured: Some(true),
    };
    let updated = store
        .update_profile(&ada.id, &changes, NOW + 1)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (updated.username.as_str(), updated.name.as_deref()),
        (renamed.as_str(), None)
    );
    assert_eq!(updated.bio.as_deref(), Some("Engines"));
    assert_eq!(updated.website.as_deref(), Some("https://example.test"));
    assert_eq!(
        (updated.links(), updated.public_profile),
        (vec!["https://a.test".to_owned()], true)
    );
    assert_eq!(updated.configured_at, Some(NOW + 1));
    let by_name = store
        .profile_by_username(&renamed.to_uppercase())
        .await
        .unwrap()
        .unwrap();
    assert_eq!(by_name.id, ada.id);
    assert!(
        store
            .profile_by_username(&ada.username)
            .await
            .unwrap()
            .is_none()
    );

    // Configured stays at the first time; nothing else moves when nothing is asked.
    let again = ProfileChanges {
        configured: Some(true),
        ..ProfileChanges::default()
    };
    let same = store
        .update_profile(&ada.id, &again, NOW + 2)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        (same.configured_at, same.bio.as_deref()),
        (Some(NOW + 1), Some("Engines"))
    );
    let undo = ProfileChanges {
        configured: Some(false),
        ..ProfileChanges::default()
    };
    let undone = store
        .update_profile(&ada.id, &undo, NOW + 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(undone.configured_at, None);

    let other = user(&*store).await;
    let clash = ProfileChanges {
        username: Some(other.username.to_uppercase()),
        bio: Some(Some("changed".to_owned())),
        ..ProfileChanges::default()
    };
    let error = store
        .update_profile(&ada.id, &clash, NOW + 4)
        .await
        .unwrap_err();
    assert!(error.is_conflict(), "{error}");
    let kept = store.profile(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        (kept.username.as_str(), kept.bio.as_deref()),
        (renamed.as_str(), Some("Engines"))
    );

    let nobody = unique("id-");
    assert!(
        store
            .update_profile(&nobody, &again, NOW)
            .await
            .unwrap()
            .is_none()
    );
    assert!(store.profile(&nobody).await.unwrap().is_none());
}

#[tokio::test]
async fn an_avatar_is_served_by_its_current_version_only() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let first = NewAvatar {
        user_id: ada.id.clone(),
        version: unique("v"),
        png: vec![1, 2, 3],
        updated_at: NOW,
    };
    store.set_avatar(&first).await.unwrap();
    assert_eq!(
        store.avatar_png(&ada.id, &first.version).await.unwrap(),
        Some(vec![1, 2, 3])
    );
    let second = NewAvatar {
        version: unique("v"),
        png: vec![4],
        ..first.clone()
    };
    store.set_avatar(&second).await.unwrap();
    assert_eq!(
        store.avatar_png(&ada.id, &first.version).await.unwrap(),
        None
    );
    assert_eq!(
        store.avatar_png(&ada.id, &second.version).await.unwrap(),
        Some(vec![4])
    );
    let profile = store.profile(&ada.id).await.unwrap().unwrap();
    assert_eq!(
        profile.avatar_version.as_deref(),
        Some(second.version.as_str())
    );
    assert!(store.delete_avatar(&ada.id, NOW + 1).await.unwrap());
    assert!(!store.delete_avatar(&ada.id, NOW + 2).await.unwrap());
    assert_eq!(
        store.avatar_png(&ada.id, &second.version).await.unwrap(),
        None
    );
}

#[tokio::test]
async fn notification_preferences_are_the_defaults_until_set() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let defaults = NotificationPreferences::default();
    assert_eq!(
        store.notification_preferences(&ada.id).await.unwrap(),
        defaults
    );
    let quiet = DeliveryChannels {
        email: false,
        in_app: false,
    };
    let chosen = NotificationPreferences {
        usage: quiet,
        ..defaults
    };
    store
        .set_notification_preferences(&ada.id, &chosen, NOW)
        .await
        .unwrap();
    assert_eq!(
        store.notification_preferences(&ada.id).await.unwrap(),
        chosen
    );
    let nobody = unique("id-");
    assert_eq!(
        store.notification_preferences(&nobody).await.unwrap(),
        defaults
    );
}

#[tokio::test]
async fn support_requests_are_listed_newest_first_per_account() {
    let store = backend::open().await;
    let ada = user(&*store).await;
    let other = user(&*store).await;
    let request = |user_id: &str, subject: &str, at| SupportRecord {
        id: unique("sr-"),
        user_id: user_id.to_owned(),
        category: "account".to_owned(),
        subject: subject.to_owned(),
        description: "It broke.".to_owned(),
        status: "open".to_owned(),
        created_at: at,
        updated_at: at,
    };
    for record in [
        request(&ada.id, "first", NOW),
        request(&ada.id, "second", NOW),
        request(&ada.id, "third", NOW - 5),
        request(&other.id, "theirs", NOW),
    ] {
        store.insert_support_request(&record).await.unwrap();
    }
    let listed = store.support_requests(&ada.id).await.unwrap();
    let subjects: Vec<&str> = listed.iter().map(|r| r.subject.as_str()).collect();
    assert_eq!(subjects, ["second", "first", "third"]);
    assert_eq!(
        (listed[0].status.as_str(), listed[0].category.as_str()),
        ("open", "account")
    );
}
