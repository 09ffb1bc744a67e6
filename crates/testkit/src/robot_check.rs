//! The server's "I'm not a robot" check, answered the way its `altcha.js` does in a
//! browser: read the signed challenge from a page and find the number by brute force
//! (tests run the server at a tiny difficulty).

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use sha2::{Digest as _, Sha256};

/// The challenge in a page's `data-challenge`, if it has one.
pub fn challenge_in(html: &str) -> Option<Value> {
    let marker = "data-challenge=\"";
    let start = html.find(marker)? + marker.len();
    let end = html[start..].find('"')? + start;
    let json = html[start..end]
        .replace("&quot;", "\"")
        .replace("&amp;", "&");
    Some(serde_json::from_str(&json).expect("the challenge is JSON"))
}

/// The answer to `challenge` as the form sends it (base64 JSON); `offset` 1 makes a
/// wrong one.
pub fn solve(challenge: &Value, offset: u64) -> String {
    let salt = challenge["salt"].as_str().expect("a salt");
    let target = challenge["challenge"].as_str().expect("a challenge");
    let highest = challenge["maxnumber"].as_u64().expect("a maxnumber");
    let number = (0..=highest)
        .find(|n| {
            let digest = Sha256::digest(format!("{salt}{n}").as_bytes());
            digest
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect::<String>()
                == target
        })
        .expect("a solution within maxnumber");
    let payload = json!({
        "algorithm": challenge["algorithm"],
        "challenge": target,
        "number": number + offset,
        "salt": salt,
        "signature": challenge["signature"],
        "took": 1,
    });
    STANDARD.encode(payload.to_string())
}

/// The answer to the check on `html`, which must have one.
pub fn solved_in(html: &str) -> String {
    solve(&challenge_in(html).expect("the page asks for the check"), 0)
}
