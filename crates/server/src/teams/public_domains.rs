//! Public mail domains (gmail.com, outlook.com, …): addresses anyone can get, so no
//! team can claim one for discovery, whoever its admins are. A sorted list searched
//! by bisection; a test keeps it sorted and lowercase.

/// The domains no team can claim, sorted (byte order), lowercase.
const PUBLIC_MAIL_DOMAINS: &[&str] = &[
    "126.com",
    "163.com",
    "aim.com",
    "alice.it",
    "aliyun.com",
    "aol.com",
    "att.net",
    "bellsouth.net",
    "bigpond.com",
    "bk.ru",
    "bol.com.br",
    "btinternet.com",
    "charter.net",
    "comcast.net",
    "cox.net",
    "daum.net",
    "duck.com",
    "earthlink.net",
    "email.com",
    "fastmail.com",
    "fastmail.fm",
    "free.fr",
    "freenet.de",
    "gmail.com",
    "gmx.at",
    "gmx.ch",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "googlemail.com",
    "hanmail.net",
    "hey.com",
    "hotmail.co.uk",
    "hotmail.com",
    "hotmail.de",
    "hotmail.es",
    "hotmail.fr",
    "hotmail.it",
    "hushmail.com",
    "icloud.com",
    "inbox.ru",
    "interia.pl",
    "laposte.net",
    "libero.it",
    "list.ru",
    "live.co.uk",
    "live.com",
    "live.de",
    "live.fr",
    "live.it",
    "mac.com",
    "mail.com",
    "mail.ru",
    "mailbox.org",
    "me.com",
    "msn.com",
    "naver.com",
    "ntlworld.com",
    "o2.pl",
    "onet.pl",
    "optonline.net",
    "optusnet.com.au",
    "orange.fr",
    "outlook.com",
    "pm.me",
    "posteo.de",
    "proton.me",
    "protonmail.ch",
    "protonmail.com",
    "qq.com",
    "rambler.ru",
    "rediffmail.com",
    "rocketmail.com",
    "rogers.com",
    "sbcglobal.net",
    "seznam.cz",
    "sfr.fr",
    "shaw.ca",
    "sina.com",
    "skiff.com",
    "sky.com",
    "sohu.com",
    "sympatico.ca",
    "t-online.de",
    "talktalk.net",
    "terra.com.br",
    "tiscali.it",
    "tuta.io",
    "tutanota.com",
    "tutanota.de",
    "uol.com.br",
    "usa.com",
    "verizon.net",
    "virgilio.it",
    "virginmedia.com",
    "wanadoo.fr",
    "web.de",
    "wp.pl",
    "xtra.co.nz",
    "ya.ru",
    "yahoo.ca",
    "yahoo.co.in",
    "yahoo.co.jp",
    "yahoo.co.uk",
    "yahoo.com",
    "yahoo.com.au",
    "yahoo.com.br",
    "yahoo.de",
    "yahoo.es",
    "yahoo.fr",
    "yahoo.it",
    "yandex.com",
    "yandex.ru",
    "yeah.net",
    "ymail.com",
    "zoho.com",
    "zohomail.com",
];

/// True when `domain` (any case) is a public mail domain.
pub fn is_public(domain: &str) -> bool {
    let domain = domain.trim_end_matches('.').to_ascii_lowercase();
    PUBLIC_MAIL_DOMAINS.binary_search(&domain.as_str()).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lowercase_and_without_repeats() {
        assert!(PUBLIC_MAIL_DOMAINS.len() >= 100);
        for pair in PUBLIC_MAIL_DOMAINS.windows(2) {
            assert!(pair[0] < pair[1], "{} before {}", pair[0], pair[1]);
        }
        for domain in PUBLIC_MAIL_DOMAINS {
            assert_eq!(*domain, domain.to_ascii_lowercase());
        }
    }

    #[test]
    fn public_domains_are_found_in_any_case_and_company_domains_are_not() {
        for public in [
            "gmail.com",
            "Outlook.COM",
            "yahoo.co.uk",
            "proton.me",
            "gmail.com.",
        ] {
            assert!(is_public(public), "{public}");
        }
        for company in [
            "example.com",
            "acme.test",
            "gmail.com.example",
            "mail.example.com",
        ] {
            assert!(!is_public(company), "{company}");
        }
    }
}
