//! Request parameters as OAuth wants them read: form or query encoded, each at most
//! once (RFC 6749 §3.1), empty values treated as absent, sizes bounded.

use std::collections::HashMap;

/// Parameters keyed by name.
#[derive(Debug, Default)]
pub struct Params(HashMap<String, String>);

const MAX_PARAMS: usize = 32;
const MAX_VALUE_LEN: usize = 2048;

impl Params {
    /// Parses `a=1&b=2`, refusing repeated names, too many parameters or huge values.
    pub fn parse(encoded: &[u8]) -> Result<Self, String> {
        let pairs: Vec<(String, String)> = serde_urlencoded::from_bytes(encoded)
            .map_err(|_| "the parameters are not valid form encoding".to_owned())?;
        if pairs.len() > MAX_PARAMS {
            return Err("too many parameters".to_owned());
        }
        let mut params = HashMap::with_capacity(pairs.len());
        for (name, value) in pairs {
            if value.len() > MAX_VALUE_LEN {
                return Err(format!("parameter {name} is too long"));
            }
            if value.is_empty() {
                continue;
            }
            if params.insert(name.clone(), value).is_some() {
                return Err(format!("parameter {name} is repeated"));
            }
        }
        Ok(Self(params))
    }

    pub fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str)
    }

    pub fn require(&self, name: &str) -> Result<&str, String> {
        self.get(name).ok_or_else(|| format!("{name} is required"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_parameters_are_refused() {
        assert!(Params::parse(b"a=1&a=2").is_err());
        let params = Params::parse(b"a=1&b=&c=x%20y").unwrap();
        assert_eq!(params.get("a"), Some("1"));
        assert_eq!(params.get("b"), None);
        assert_eq!(params.get("c"), Some("x y"));
        assert!(params.require("b").is_err());
    }

    #[test]
    fn oversized_values_are_refused() {
        let long = format!("a={}", "x".repeat(MAX_VALUE_LEN + 1));
        assert!(Params::parse(long.as_bytes()).is_err());
    }
}
