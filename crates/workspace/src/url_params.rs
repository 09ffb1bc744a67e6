//! The URL and the parameters table, kept in step: typing in the URL rewrites the
//! table (keeping switched-off rows and descriptions), editing the table rewrites the
//! URL's query. Works on text as typed, `{{variables}}` and all, so nothing is
//! percent-encoded or decoded behind the person's back.

use crate::model::KeyValue;

/// The table after the URL was edited to `url`: its query's pairs in order, each
/// keeping the description of the row it replaces, and the switched-off rows of
/// `previous` kept after them.
pub fn params_from_url(url: &str, previous: &[KeyValue]) -> Vec<KeyValue> {
    let mut remaining_descriptions: Vec<&KeyValue> =
        previous.iter().filter(|param| param.enabled).collect();
    let mut params: Vec<KeyValue> = query_pairs(url)
        .map(|(key, value)| {
            let description = remaining_descriptions
                .iter()
                .position(|old| old.key == key)
                .map(|at| remaining_descriptions.remove(at))
                .and_then(|old| old.description.clone());
            KeyValue {
                key: key.to_owned(),
                value: value.to_owned(),
                enabled: true,
                description,
            }
        })
        .collect();
    params.extend(previous.iter().filter(|param| !param.enabled).cloned());
    params
}

/// The URL after the table was edited: `url` with its query replaced by the enabled
/// rows of `params`, its fragment kept.
pub fn url_with_params(url: &str, params: &[KeyValue]) -> String {
    let (without_fragment, fragment) = split_fragment(url);
    let base = without_fragment
        .split_once('?')
        .map_or(without_fragment, |(base, _)| base);
    let query: Vec<String> = params
        .iter()
        .filter(|param| param.enabled)
        .map(|param| {
            if param.value.is_empty() && !param.key.is_empty() {
                param.key.clone()
            } else {
                format!("{}={}", param.key, param.value)
            }
        })
        .collect();
    let mut rebuilt = base.to_owned();
    if !query.is_empty() {
        rebuilt.push('?');
        rebuilt.push_str(&query.join("&"));
    }
    if let Some(fragment) = fragment {
        rebuilt.push('#');
        rebuilt.push_str(fragment);
    }
    rebuilt
}

/// The query's `key=value` pairs as typed (`a` alone is `a` with an empty value).
pub fn query_pairs(url: &str) -> impl Iterator<Item = (&str, &str)> {
    let (without_fragment, _) = split_fragment(url);
    without_fragment
        .split_once('?')
        .map_or("", |(_, query)| query)
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').unwrap_or((pair, "")))
}

fn split_fragment(url: &str) -> (&str, Option<&str>) {
    match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn param(key: &str, value: &str, enabled: bool) -> KeyValue {
        KeyValue {
            key: key.to_owned(),
            value: value.to_owned(),
            enabled,
            description: None,
        }
    }

    #[test]
    fn typing_in_the_url_rewrites_the_table_and_keeps_switched_off_rows() {
        let previous = vec![
            KeyValue {
                description: Some("page number".to_owned()),
                ..param("page", "1", true)
            },
            param("debug", "true", false),
        ];
        let params = params_from_url(
            "https://{{host}}/items?page=2&q={{term}}&flag#top",
            &previous,
        );
        assert_eq!(
            params,
            vec![
                KeyValue {
                    description: Some("page number".to_owned()),
                    ..param("page", "2", true)
                },
                param("q", "{{term}}", true),
                param("flag", "", true),
                param("debug", "true", false),
            ]
        );
    }

    #[test]
    fn editing_the_table_rewrites_the_query_and_keeps_the_fragment() {
        let params = vec![
            param("page", "2", true),
            param("debug", "true", false),
            param("flag", "", true),
        ];
        assert_eq!(
            url_with_params("https://example.com/items?old=1#top", &params),
            "https://example.com/items?page=2&flag#top"
        );
        assert_eq!(
            url_with_params("https://example.com/items?old=1", &[param("x", "1", false)]),
            "https://example.com/items"
        );
    }

    #[test]
    fn url_and_table_round_trip() {
        let url = "http://localhost:8080/a?b=1&c=%20x&d";
        assert_eq!(url_with_params(url, &params_from_url(url, &[])), url);
    }
}
