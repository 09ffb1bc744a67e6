//! A deliberately small `User-Agent` reader for the sessions screen: the browser's
//! name and major version and the operating system's family. It only has to name the
//! browsers people actually use; anything else is shown by its first product token.

/// "Firefox 133", "Chrome 131", "Safari 18", …; `None` for an empty header.
pub fn browser(user_agent: &str) -> Option<String> {
    // Order matters: Edge and Opera also say Chrome, Chrome also says Safari.
    const BROWSERS: [(&str, &str); 8] = [
        ("Edg/", "Edge"),
        ("EdgA/", "Edge"),
        ("OPR/", "Opera"),
        ("Firefox/", "Firefox"),
        ("FxiOS/", "Firefox"),
        ("CriOS/", "Chrome"),
        ("Chromium/", "Chromium"),
        ("Chrome/", "Chrome"),
    ];
    for (token, name) in BROWSERS {
        if let Some(version) = version_after(user_agent, token) {
            return Some(with_version(name, version));
        }
    }
    if user_agent.contains("Safari/") {
        let version = version_after(user_agent, "Version/");
        return Some(match version {
            Some(version) => with_version("Safari", version),
            None => "Safari".to_owned(),
        });
    }
    // Not a browser we know: its first product token without the version
    // ("curl", "CourierTestBrowser").
    let product = user_agent
        .split_whitespace()
        .rev()
        .find(|token| token.contains('/') && !token.starts_with('('))
        .or_else(|| user_agent.split_whitespace().next())?;
    let name = product.split('/').next().unwrap_or(product).trim();
    (!name.is_empty()).then(|| name.chars().take(40).collect())
}

/// "Windows", "macOS", "Linux", "Android", "iOS", "ChromeOS"; `None` when unknown.
pub fn os(user_agent: &str) -> Option<String> {
    // Order matters: Android says Linux, iOS says "like Mac OS X".
    const SYSTEMS: [(&str, &str); 9] = [
        ("Windows", "Windows"),
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iOS"),
        ("CrOS", "ChromeOS"),
        ("Mac OS X", "macOS"),
        ("Macintosh", "macOS"),
        ("Linux", "Linux"),
        ("FreeBSD", "FreeBSD"),
    ];
    SYSTEMS
        .iter()
        .find(|(token, _)| user_agent.contains(token))
        .map(|(_, name)| (*name).to_owned())
}

/// The major version right after `token` ("Firefox/133.0" → "133").
fn version_after<'a>(user_agent: &'a str, token: &str) -> Option<&'a str> {
    let start = user_agent.find(token)? + token.len();
    let rest = &user_agent[start..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    (end > 0).then(|| &rest[..end])
}

fn with_version(name: &str, version: &str) -> String {
    format!("{name} {version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_common_browsers_and_systems() {
        let cases = [
            (
                "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
                "Firefox 133",
                "Linux",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36",
                "Chrome 131",
                "Windows",
            ),
            (
                "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.0.0 Safari/537.36 Edg/131.0.2903.86",
                "Edge 131",
                "Windows",
            ),
            (
                "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Safari/605.1.15",
                "Safari 18",
                "macOS",
            ),
            (
                "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 \
                 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                "Safari 18",
                "iOS",
            ),
            (
                "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) \
                 Chrome/131.0.6778.81 Mobile Safari/537.36",
                "Chrome 131",
                "Android",
            ),
        ];
        for (agent, expected_browser, expected_os) in cases {
            assert_eq!(browser(agent).as_deref(), Some(expected_browser), "{agent}");
            assert_eq!(os(agent).as_deref(), Some(expected_os), "{agent}");
        }
    }

    #[test]
    fn unknown_agents_fall_back_to_their_product_name() {
        assert_eq!(browser("curl/8.5.0").as_deref(), Some("curl"));
        assert_eq!(os("curl/8.5.0"), None);
        assert_eq!(browser(""), None);
        assert_eq!(
            browser("Mozilla/5.0 (X11; Linux x86_64) CourierTestBrowser/1.0").as_deref(),
            Some("CourierTestBrowser")
        );
    }
}
