//! `{{name}}` variables: finding them in text (for the editor's highlighting),
//! resolving them at send time with the usual precedence (the active environment's
//! over the collection's over the workspace's globals; switched-off variables do not
//! count), values that refer to other variables included, and masking secret values
//! wherever resolved text is shown or stored (history, logs).

use std::collections::HashMap;
use std::ops::Range;

use crate::model::{Variable, VariableScope};

/// How deep values may refer to other variables before resolving stops (a loop).
const MAX_DEPTH: usize = 8;
/// What a secret value is replaced with where resolved text is shown or stored.
pub const MASK: &str = "••••••";

/// A `{{name}}` in some text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reference {
    /// The name, trimmed of surrounding spaces.
    pub name: String,
    /// Where `{{…}}` is in the text, braces included (byte offsets).
    pub span: Range<usize>,
}

/// Every `{{name}}` in `text`, in order. `{{}}` and unclosed braces are not references.
pub fn references(text: &str) -> Vec<Reference> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(open) = text[from..].find("{{").map(|at| at + from) {
        let Some(close) = text[open + 2..].find("}}").map(|at| at + open + 2) else {
            break;
        };
        let name = text[open + 2..close].trim();
        if name.is_empty() || name.contains("{{") {
            from = open + 2;
            continue;
        }
        found.push(Reference {
            name: name.to_owned(),
            span: open..close + 2,
        });
        from = close + 2;
    }
    found
}

/// One variable as it applies: its value and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    pub value: String,
    pub scope: VariableScope,
    pub secret: bool,
}

/// The variables in effect for one request.
#[derive(Debug, Clone, Default)]
pub struct Resolver {
    bindings: HashMap<String, Binding>,
}

/// Text with its variables resolved, and the names that could not be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub text: String,
    /// Names with no variable, each once, in the order first met; their `{{…}}` is
    /// left in `text` as typed.
    pub unresolved: Vec<String>,
}

impl Resolver {
    /// The variables in effect given the workspace's globals, the request's
    /// collection's variables and the active environment's.
    pub fn new(globals: &[Variable], collection: &[Variable], environment: &[Variable]) -> Self {
        let mut bindings = HashMap::new();
        let scopes = [
            (VariableScope::Global, globals),
            (VariableScope::Collection, collection),
            (VariableScope::Environment, environment),
        ];
        for (scope, variables) in scopes {
            for variable in variables.iter().filter(|v| v.enabled && !v.key.is_empty()) {
                bindings.insert(
                    variable.key.clone(),
                    Binding {
                        value: variable.value.clone(),
                        scope,
                        secret: variable.secret,
                    },
                );
            }
        }
        Self { bindings }
    }

    /// The variable `name` resolves to, if any.
    pub fn binding(&self, name: &str) -> Option<&Binding> {
        self.bindings.get(name)
    }

    /// `text` with every `{{name}}` replaced by its value (values may refer to other
    /// variables, up to a few levels: a loop stays unresolved).
    pub fn resolve(&self, text: &str) -> Resolved {
        let mut unresolved = Vec::new();
        let text = self.resolve_at(text, 0, &mut unresolved);
        Resolved { text, unresolved }
    }

    fn resolve_at(&self, text: &str, depth: usize, unresolved: &mut Vec<String>) -> String {
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        for reference in references(text) {
            out.push_str(&text[copied..reference.span.start]);
            copied = reference.span.end;
            match self.bindings.get(&reference.name) {
                Some(binding) if depth < MAX_DEPTH => {
                    out.push_str(&self.resolve_at(&binding.value, depth + 1, unresolved));
                }
                _ => {
                    if !unresolved.contains(&reference.name) {
                        unresolved.push(reference.name.clone());
                    }
                    out.push_str(&text[reference.span.clone()]);
                }
            }
        }
        out.push_str(&text[copied..]);
        out
    }

    /// The same variables with every secret value replaced by [`MASK`]. Resolving with
    /// it gives text that never held a secret, so no encoding applied later (a URL's
    /// percent-encoding, a form's) can let a secret slip past [`Resolver::mask`].
    pub fn masked(&self) -> Resolver {
        let bindings = self
            .bindings
            .iter()
            .map(|(name, binding)| {
                let mut binding = binding.clone();
                if binding.secret {
                    MASK.clone_into(&mut binding.value);
                }
                (name.clone(), binding)
            })
            .collect();
        Resolver { bindings }
    }

    /// `text` (already resolved) with the value of every secret variable replaced by
    /// [`MASK`], longest values first so one secret inside another is not half shown.
    pub fn mask(&self, text: &str) -> String {
        let mut secrets: Vec<String> = self
            .bindings
            .keys()
            .filter(|name| self.bindings[*name].secret)
            .map(|name| self.resolve(&format!("{{{{{name}}}}}")).text)
            .filter(|value| !value.is_empty())
            .collect();
        secrets.sort_by_key(|value| std::cmp::Reverse(value.len()));
        let mut masked = text.to_owned();
        for secret in secrets {
            masked = masked.replace(&secret, MASK);
        }
        masked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn var(key: &str, value: &str) -> Variable {
        Variable {
            key: key.to_owned(),
            value: value.to_owned(),
            enabled: true,
            secret: false,
        }
    }

    #[test]
    fn references_are_found_with_their_places_and_trimmed_names() {
        let found = references("{{a}}/x/{{ b }}?{{}}&{{c");
        assert_eq!(
            found,
            vec![
                Reference {
                    name: "a".into(),
                    span: 0..5
                },
                Reference {
                    name: "b".into(),
                    span: 8..15
                },
            ]
        );
        assert_eq!(references("{{ {{inner}} }}")[0].name, "inner");
    }

    #[test]
    fn the_environment_beats_the_collection_which_beats_the_globals() {
        let resolver = Resolver::new(
            &[var("host", "global.example"), var("only_global", "g")],
            &[var("host", "collection.example"), var("path", "c")],
            &[var("host", "env.example")],
        );
        let resolved = resolver.resolve("https://{{host}}/{{path}}/{{only_global}}");
        assert_eq!(resolved.text, "https://env.example/c/g");
        assert!(resolved.unresolved.is_empty());
        assert_eq!(
            resolver.binding("host").map(|b| b.scope),
            Some(VariableScope::Environment)
        );
    }

    #[test]
    fn switched_off_variables_do_not_count_and_unknown_names_are_reported_once() {
        let off = Variable {
            enabled: false,
            ..var("token", "hidden")
        };
        let resolver = Resolver::new(&[var("token", "global")], &[], &[off]);
        assert_eq!(resolver.resolve("{{token}}").text, "global");
        let resolved = resolver.resolve("{{missing}} and {{missing}} and {{ other }}");
        assert_eq!(resolved.text, "{{missing}} and {{missing}} and {{ other }}");
        assert_eq!(resolved.unresolved, ["missing", "other"]);
    }

    #[test]
    fn values_may_refer_to_other_variables_but_a_loop_stops() {
        let resolver = Resolver::new(
            &[
                var("base", "https://{{host}}"),
                var("host", "api.example"),
                var("a", "{{b}}"),
                var("b", "{{a}}"),
            ],
            &[],
            &[],
        );
        assert_eq!(
            resolver.resolve("{{base}}/v1").text,
            "https://api.example/v1"
        );
        let looping = resolver.resolve("{{a}}");
        assert_eq!(looping.unresolved.len(), 1, "{looping:?}");
        assert!(looping.text.starts_with("{{"), "{looping:?}");
    }

    #[test]
    fn secrets_are_masked_wherever_they_appear() {
        let secret = Variable {
            secret: true,
            ..var("token", "s3cr3t-{{suffix}}")
        };
        let resolver = Resolver::new(&[var("suffix", "xyz")], &[], &[secret]);
        let sent = resolver.resolve("https://x.example/?t={{token}}").text;
        assert_eq!(sent, "https://x.example/?t=s3cr3t-xyz");
        assert_eq!(resolver.mask(&sent), format!("https://x.example/?t={MASK}"));
        assert_eq!(resolver.mask("nothing secret"), "nothing secret");
    }

    #[test]
    fn a_masked_resolver_gives_the_mask_for_secrets_even_through_other_variables() {
        let secret = Variable {
            secret: true,
            ..var("token", "a+b/c=")
        };
        let resolver = Resolver::new(&[var("header", "Bearer {{token}}")], &[], &[secret]);
        let masked = resolver.masked();
        assert_eq!(masked.resolve("{{header}}").text, format!("Bearer {MASK}"));
        assert_eq!(masked.resolve("{{token}}").text, MASK);
        assert_eq!(resolver.resolve("{{token}}").text, "a+b/c=");
    }
}
