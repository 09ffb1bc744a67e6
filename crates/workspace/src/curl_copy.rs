//! "Copy as curl" with the `{{names}}` kept: the command a request would be, auth and
//! default headers applied as [`prepare`] applies them, but every variable written as
//! `{{name}}` instead of its value. What the editor copies by default, so no value
//! (a secret's least of all) reaches the clipboard unless the person copies with the
//! values resolved ([`crate::curl::to_curl`] of a prepared request).
//!
//! How: each name is bound to a marker of letters and digits (which URL parsing,
//! percent-encoding and shell quoting leave alone), the request is prepared and
//! written as curl, and the markers are turned back into `{{name}}`.

use crate::curl::to_curl;
use crate::model::{Auth, RequestSpec, SendOptions, Variable};
use crate::resolve::{Resolver, references};
use crate::send::{SendError, prepare};

/// `spec` with effective auth `auth` as a curl command, its variables left as
/// `{{name}}`. Fails as [`prepare`] does when the request cannot be built even so
/// (no URL, a bad header name, a variable where only digits may go such as a port).
pub fn to_curl_keeping_names(
    spec: &RequestSpec,
    auth: &Auth,
    options: &SendOptions,
) -> Result<String, SendError> {
    let names = match prepare(spec, auth, &Resolver::default()) {
        Ok(prepared) => return Ok(to_curl(&prepared, options)),
        Err(SendError::Unresolved { names }) => names,
        Err(other) => return Err(other),
    };
    let markers: Vec<(String, String)> = names
        .into_iter()
        .enumerate()
        .map(|(index, name)| (format!("zzcurl{index}varzz"), name))
        .collect();
    let variables: Vec<Variable> = markers
        .iter()
        .map(|(marker, name)| Variable::new(name.clone(), marker.clone()))
        .collect();
    let prepared = prepare(spec, auth, &Resolver::new(&variables, &[], &[]))?;
    let mut command = to_curl(&prepared, options);
    // A URL typed as `{{base}}/path` got `http://` from `prepare`, as one typed
    // without a scheme does; the variable probably holds the scheme.
    let leading = references(spec.url.trim_start())
        .into_iter()
        .next()
        .filter(|reference| reference.span.start == 0);
    if let Some(leading) = leading
        && let Some((marker, _)) = markers.iter().find(|(_, name)| *name == leading.name)
    {
        command = command.replacen(&format!("http://{marker}"), marker, 1);
    }
    for (marker, name) in &markers {
        command = command.replace(marker, &format!("{{{{{name}}}}}"));
    }
    Ok(command)
}
