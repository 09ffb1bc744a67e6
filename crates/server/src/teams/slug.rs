//! Team URLs (`/t/{slug}`): what one may be ([`checked`]), one suggested from a team's
//! name ([`suggest`]), and a free one like a taken one ([`free_like`]).

use courier_store::Store;

use super::{Result, TeamError};

pub const MIN_CHARS: usize = 3;
pub const MAX_CHARS: usize = 40;

/// `slug` as stored (lowercase), or why it cannot be a team URL: 3–40 lowercase
/// letters, digits and single hyphens between them.
pub fn checked(slug: &str) -> Result<String> {
    let slug = slug.trim().to_lowercase();
    let problem = if slug.len() < MIN_CHARS || slug.len() > MAX_CHARS {
        Some(format!("Use {MIN_CHARS} to {MAX_CHARS} characters."))
    } else if !slug
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        Some("Use lowercase letters, digits and hyphens only.".to_owned())
    } else if slug.starts_with('-') || slug.ends_with('-') || slug.contains("--") {
        Some("Put single hyphens between letters or digits.".to_owned())
    } else {
        None
    };
    match problem {
        Some(message) => Err(TeamError::Invalid("slug".to_owned(), message)),
        None => Ok(slug),
    }
}

/// A team URL made from `name`: ASCII letters and digits kept (lowercased), anything
/// else a hyphen, hyphens single and inside, at most 40 characters; a name with too
/// few letters or digits gets `-team` (or is `team`).
pub fn suggest(name: &str) -> String {
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.is_empty() && !slug.ends_with('-') {
            slug.push('-');
        }
    }
    slug.truncate(MAX_CHARS);
    let slug = slug.trim_end_matches('-').to_owned();
    match slug.len() {
        0 => "team".to_owned(),
        n if n < MIN_CHARS => format!("{slug}-team"),
        _ => slug,
    }
}

/// A free URL like `slug`: itself if free, else `slug-2`, `slug-3`, … (cut to fit).
pub async fn free_like(store: &dyn Store, slug: &str) -> Result<String> {
    let base = suggest(slug);
    if store.team_by_slug(&base).await?.is_none() {
        return Ok(base);
    }
    for n in 2..1000u32 {
        let tail = format!("-{n}");
        let mut candidate = base.clone();
        candidate.truncate(MAX_CHARS - tail.len());
        let candidate = format!("{}{tail}", candidate.trim_end_matches('-'));
        if store.team_by_slug(&candidate).await?.is_none() {
            return Ok(candidate);
        }
    }
    Err(TeamError::Invalid(
        "slug".to_owned(),
        "Choose another team URL.".to_owned(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_team_url_is_three_to_forty_lowercase_letters_digits_and_inner_hyphens() {
        assert_eq!(checked(" Acme-QA ").unwrap(), "acme-qa");
        assert_eq!(checked("a1b").unwrap(), "a1b");
        for bad in [
            "ab",
            "-acme",
            "acme-",
            "ac--me",
            "acmé",
            "ac me",
            "ac_me",
            &"a".repeat(41),
        ] {
            assert!(
                matches!(checked(bad), Err(TeamError::Invalid(field, _)) if field == "slug"),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn a_suggestion_from_a_name_is_always_a_valid_team_url() {
        assert_eq!(suggest("Acme QA"), "acme-qa");
        assert_eq!(suggest("  Ünïcode & Co. "), "n-code-co");
        assert_eq!(suggest("QA"), "qa-team");
        assert_eq!(suggest("日本"), "team");
        assert_eq!(suggest(&"long name ".repeat(10)).len(), 39);
        for name in ["Acme QA", "QA", "日本", "-x-", &"ab-".repeat(30), "a b c d"] {
            let suggestion = suggest(name);
            assert!(checked(&suggestion).is_ok(), "{name:?} → {suggestion:?}");
        }
    }
}
