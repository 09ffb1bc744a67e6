//! Rules for what people type into account fields, with messages written for them.

/// Longest email address (RFC 5321 path limit).
pub const MAX_EMAIL_LEN: usize = 254;

/// A plausible email address: one `@`, a local part, a dotted domain, no spaces.
pub fn email(value: &str) -> Result<(), &'static str> {
    if value.is_empty() {
        return Err("Enter your email address.");
    }
    if value.len() > MAX_EMAIL_LEN {
        return Err("That email address is too long.");
    }
    let Some((local, domain)) = value.split_once('@') else {
        return Err("Enter an email address like name@example.com.");
    };
    let valid = !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && value
            .chars()
            .all(|c| !c.is_whitespace() && !c.is_control() && !"<>()[],;:\"\\".contains(c));
    if valid {
        Ok(())
    } else {
        Err("Enter an email address like name@example.com.")
    }
}

/// 3–39 letters, digits, `-` or `_`, starting with a letter or digit.
pub fn username(value: &str) -> Result<(), &'static str> {
    let length = value.chars().count();
    if length < 3 {
        return Err("Use at least 3 characters.");
    }
    if length > 39 {
        return Err("Use at most 39 characters.");
    }
    let mut chars = value.chars();
    let starts_well = chars.next().is_some_and(|c| c.is_ascii_alphanumeric());
    let rest_ok = chars.all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if starts_well && rest_ok {
        Ok(())
    } else {
        Err("Use letters, digits, - and _, starting with a letter or digit.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails() {
        assert!(email("ada@example.com").is_ok());
        assert!(email("a.b+tag@sub.example.org").is_ok());
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.com",
            "ada@example",
            "a b@example.com",
            "ada@@example.com",
            "ada@example..com",
            "<ada>@example.com",
        ] {
            assert!(email(bad).is_err(), "{bad}");
        }
        assert!(email(&format!("{}@example.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn usernames() {
        assert!(username("ada").is_ok());
        assert!(username("ada-lovelace_1815").is_ok());
        for bad in [
            "",
            "ad",
            "-ada",
            "ada lovelace",
            "ada@home",
            "ädä",
            &"a".repeat(40),
        ] {
            assert!(username(bad).is_err(), "{bad}");
        }
    }
}
