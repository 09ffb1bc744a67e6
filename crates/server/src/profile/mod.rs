//! Profile rules shared by the API and the public page: what a profile update may
//! contain (with a message per refused field), and how a stored profile is shown to
//! its owner ([`Profile`]) and to everyone else ([`PublicProfile`]).

pub(crate) mod avatar;

use courier_proto::{FieldError, Profile, ProfileUpdate, PublicProfile};

use crate::platform::issuer::Issuer;
use crate::platform::validate;
use courier_store::{ProfileChanges, ProfileRecord};

pub const MAX_NAME_CHARS: usize = 100;
pub const MAX_BIO_CHARS: usize = 500;
pub const MAX_URL_CHARS: usize = 300;
pub const MAX_LINKS: usize = 10;

/// Checks every field of `update` and returns the changes to apply, or every
/// refused field with its reason. Values are trimmed; an empty string clears.
pub fn changes(update: &ProfileUpdate) -> Result<ProfileChanges, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut refuse = |field: &str, message: String| {
        errors.push(FieldError {
            field: field.to_owned(),
            message,
        });
    };
    let mut changes = ProfileChanges {
        public: update.public,
        configured: update.configured,
        ..ProfileChanges::default()
    };
    if let Some(name) = &update.name {
        let name = name.trim();
        if name.chars().count() > MAX_NAME_CHARS {
            refuse("name", format!("Use at most {MAX_NAME_CHARS} characters."));
        } else if name.chars().any(char::is_control) {
            refuse(
                "name",
                "Use letters, digits, spaces and punctuation only.".to_owned(),
            );
        }
        changes.name = Some(optional(name));
    }
    if let Some(username) = &update.username {
        let username = username.trim();
        match validate::username(username) {
            Ok(()) => changes.username = Some(username.to_owned()),
            Err(message) => refuse("username", message.to_owned()),
        }
    }
    if let Some(bio) = &update.bio {
        let bio = bio.trim();
        if bio.chars().count() > MAX_BIO_CHARS {
            refuse("bio", format!("Use at most {MAX_BIO_CHARS} characters."));
        } else if bio
            .chars()
            .any(|c| c.is_control() && c != '\n' && c != '\t')
        {
            refuse("bio", "Use text and line breaks only.".to_owned());
        }
        changes.bio = Some(optional(bio));
    }
    if let Some(website) = &update.website {
        let website = website.trim();
        if !website.is_empty()
            && let Err(message) = web_address(website)
        {
            refuse("website", message);
        }
        changes.website = Some(optional(website));
    }
    if let Some(links) = &update.links {
        if links.len() > MAX_LINKS {
            refuse("links", format!("Add at most {MAX_LINKS} links."));
        }
        let mut kept = Vec::with_capacity(links.len());
        for (index, link) in links.iter().enumerate() {
            let link = link.trim();
            if let Err(message) = web_address(link) {
                refuse("links", format!("Link {}: {message}", index + 1));
            }
            kept.push(link.to_owned());
        }
        changes.links = Some(kept);
    }
    if errors.is_empty() {
        Ok(changes)
    } else {
        Err(errors)
    }
}

fn optional(value: &str) -> Option<String> {
    (!value.is_empty()).then(|| value.to_owned())
}

/// An absolute `http` or `https` address of at most [`MAX_URL_CHARS`].
pub fn web_address(value: &str) -> Result<(), String> {
    if value.chars().count() > MAX_URL_CHARS {
        return Err(format!(
            "Use an address of at most {MAX_URL_CHARS} characters."
        ));
    }
    let invalid = || "Enter a full web address, like https://example.com.".to_owned();
    let url = url::Url::parse(value).map_err(|_| invalid())?;
    let has_host = url.host_str().is_some_and(|host| !host.is_empty());
    if !matches!(url.scheme(), "http" | "https") || !has_host || value.contains(char::is_whitespace)
    {
        return Err(invalid());
    }
    Ok(())
}

/// The path an avatar version is served under.
pub fn avatar_path(user_id: &str, version: &str) -> String {
    format!("/avatars/{user_id}/{version}.png")
}

fn avatar_url(issuer: &Issuer, record: &ProfileRecord) -> Option<String> {
    record
        .avatar_version
        .as_deref()
        .map(|version| issuer.url(&avatar_path(&record.id, version)))
}

/// The owner's view of their profile.
pub fn owner_view(issuer: &Issuer, record: &ProfileRecord) -> Profile {
    Profile {
        id: record.id.clone(),
        username: record.username.clone(),
        email: record.email.clone(),
        email_verified: record.email_confirmed_at.is_some(),
        pending_email: record.pending_email.clone(),
        name: record.name.clone(),
        bio: record.bio.clone(),
        website: record.website.clone(),
        links: record.links(),
        avatar_url: avatar_url(issuer, record),
        public: record.public_profile,
        configured: record.configured_at.is_some(),
        created_at: record.created_at,
    }
}

/// What anyone may see, or `None` when the profile is not public.
pub fn public_view(issuer: &Issuer, record: &ProfileRecord) -> Option<PublicProfile> {
    record.public_profile.then(|| PublicProfile {
        username: record.username.clone(),
        name: record.name.clone(),
        bio: record.bio.clone(),
        website: record.website.clone(),
        links: record.links(),
        avatar_url: avatar_url(issuer, record),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(update: ProfileUpdate) -> Vec<String> {
        changes(&update)
            .err()
            .unwrap_or_default()
            .into_iter()
            .map(|error| error.field)
            .collect()
    }

    #[test]
    fn absent_fields_stay_and_empty_strings_clear() {
        let update = ProfileUpdate {
            name: Some("  ".into()),
            bio: Some("Writes programs.".into()),
            ..ProfileUpdate::default()
        };
        let applied = changes(&update).unwrap_or_default();
        assert_eq!(applied.name, Some(None));
        assert_eq!(applied.bio, Some(Some("Writes programs.".into())));
        assert_eq!(applied.website, None);
        assert_eq!(applied.username, None);
    }

    #[test]
    fn each_refused_field_is_named() {
        let update = ProfileUpdate {
            name: Some("n".repeat(101)),
            username: Some("a b".into()),
            bio: Some("b".repeat(501)),
            website: Some("javascript:alert(1)".into()),
            links: Some(vec!["https://ok.example".into(), "ftp://x.example".into()]),
            ..ProfileUpdate::default()
        };
        assert_eq!(
            fields(update),
            ["name", "username", "bio", "website", "links"]
        );
    }

    #[test]
    fn limits_are_inclusive() {
        let update = ProfileUpdate {
            name: Some("n".repeat(100)),
            bio: Some("é".repeat(500)),
            links: Some(vec!["https://example.com".into(); 10]),
            website: Some(format!("https://example.com/{}", "a".repeat(300 - 20))),
            ..ProfileUpdate::default()
        };
        assert!(changes(&update).is_ok());
        let eleven = ProfileUpdate {
            links: Some(vec!["https://example.com".into(); 11]),
            ..ProfileUpdate::default()
        };
        assert_eq!(fields(eleven), ["links"]);
    }

    #[test]
    fn web_addresses_must_be_absolute_http() {
        assert!(web_address("https://example.com/ada").is_ok());
        assert!(web_address("http://example.com").is_ok());
        for bad in [
            "example.com",
            "/ada",
            "https://",
            "mailto:a@example.com",
            "https://a b.c",
        ] {
            assert!(web_address(bad).is_err(), "{bad}");
        }
    }
}
