//! curl in and out. "Copy as curl" writes a prepared request (variables resolved,
//! auth applied) as a command a POSIX shell runs unchanged; pasting a curl command
//! reads it back into a [`RequestSpec`], quoting and line continuations parsed as a
//! shell would, options Courier has no use for reported rather than dropped.
//!
//! What the two directions agree on: pasting what was copied sends the same request
//! (the tests check method, URL, headers, body and auth).

use url::form_urlencoded;

use crate::import::{ImportError, ImportWarning, Warnings};
use crate::model::{
    Auth, Body, FormField, FormValue, KeyValue, RawLanguage, RequestSpec, SendOptions,
};
use crate::send::PreparedRequest;
use crate::url_params::params_from_url;

const URLENCODED: &str = "application/x-www-form-urlencoded";

/// `request` as a curl command, one option per line. `options` adds `-k` when TLS is
/// not verified and `-L` when redirects are followed.
pub fn to_curl(request: &PreparedRequest, options: &SendOptions) -> String {
    let mut first = vec!["curl".to_owned()];
    let implied = match request.body {
        Body::None => "GET",
        _ => "POST",
    };
    if request.method == "HEAD" && matches!(request.body, Body::None) {
        first.push("--head".to_owned());
    } else if request.method != implied {
        first.push(format!("-X {}", quote(&request.method)));
    }
    first.push(quote(request.url.as_str()));

    let mut lines = vec![first.join(" ")];
    for (name, value) in &request.headers {
        let curl_default = matches!(request.body, Body::UrlEncoded { .. })
            && name.eq_ignore_ascii_case("content-type")
            && value.eq_ignore_ascii_case(URLENCODED);
        if curl_default {
            continue;
        }
        // `Name;` is curl's way to send a header with an empty value.
        let header = if value.is_empty() {
            format!("{name};")
        } else {
            format!("{name}: {value}")
        };
        lines.push(format!("-H {}", quote(&header)));
    }
    if let Some(basic) = &request.basic_auth {
        lines.push(format!(
            "-u {}",
            quote(&format!("{}:{}", basic.username, basic.password))
        ));
    }
    match &request.body {
        Body::None => {}
        Body::Raw { text, .. } => lines.push(format!("--data-raw {}", quote(text))),
        Body::UrlEncoded { fields } => {
            for field in fields {
                lines.push(urlencoded_option(field));
            }
        }
        Body::FormData { fields } => {
            for field in fields {
                lines.push(form_option(field));
            }
        }
    }
    if !options.verify_tls {
        lines.push("-k".to_owned());
    }
    if options.follow_redirects {
        lines.push("-L".to_owned());
    }
    lines.join(" \\\n  ")
}

/// `--data-urlencode name=value` where curl leaves the name alone safely, else the
/// pair encoded by us as `--data-raw`.
fn urlencoded_option(field: &KeyValue) -> String {
    let plain_name = field
        .key
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c));
    if plain_name {
        format!(
            "--data-urlencode {}",
            quote(&format!("{}={}", field.key, field.value))
        )
    } else {
        let pair = form_urlencoded::Serializer::new(String::new())
            .append_pair(&field.key, &field.value)
            .finish();
        format!("--data-raw {}", quote(&pair))
    }
}

/// `-F name=value`, or `--form-string` when curl would read the value as a file
/// (`@`, `<`) or as options (`;type=`); `-F name=@path` for a file.
fn form_option(field: &FormField) -> String {
    match &field.value {
        FormValue::Text { text } => {
            let literal = text.starts_with(['@', '<']) || text.contains(';');
            let option = if literal { "--form-string" } else { "-F" };
            format!("{option} {}", quote(&format!("{}={text}", field.key)))
        }
        FormValue::File { path } => {
            let path = if path.contains([';', ',', '"']) {
                format!("\"{}\"", path.replace('\\', "\\\\").replace('"', "\\\""))
            } else {
                path.clone()
            };
            format!("-F {}", quote(&format!("{}=@{path}", field.key)))
        }
    }
}

/// `text` as one shell word: bare when that is safe, else in single quotes.
pub fn quote(text: &str) -> String {
    let safe = !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:@%+=,".contains(c));
    if safe {
        text.to_owned()
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// A pasted curl command, read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CurlImport {
    pub spec: RequestSpec,
    /// `-k`/`--insecure`: the command does not verify TLS certificates.
    pub insecure: bool,
    /// `-L`/`--location`: the command follows redirects.
    pub follow_redirects: bool,
    /// `-m`/`--max-time`, in milliseconds.
    pub timeout_ms: Option<u64>,
    /// Options ignored or read differently from curl, each at its option.
    pub warnings: Vec<ImportWarning>,
}

/// Reads a curl command (as pasted from a terminal, documentation or a browser's
/// "Copy as cURL (bash)"). Fails on broken quoting, an option missing its value or a
/// missing URL.
pub fn from_curl(command: &str) -> Result<CurlImport, ImportError> {
    let words = shell_words(command)?;
    let mut words = words.into_iter();
    let program = words.next().unwrap_or_default();
    let program_name = program.rsplit(['/', '\\']).next().unwrap_or_default();
    if program_name != "curl" && program_name != "curl.exe" {
        return Err(ImportError::new(
            "",
            "not a curl command: it should start with `curl`",
        ));
    }
    let mut reader = Reader::default();
    let mut words = words.peekable();
    while let Some(word) = words.next() {
        if let Some(long) = word.strip_prefix("--").filter(|long| !long.is_empty()) {
            let option = format!("--{long}");
            reader.option(&option, || words.next())?;
        } else if let Some(cluster) = word.strip_prefix('-').filter(|c| !c.is_empty()) {
            // `-sSL`, `-XPOST`, `-H` `value`: a letter that takes a value takes the rest
            // of the word or, when nothing is left, the next word.
            for (at, letter) in cluster.char_indices() {
                let option = format!("-{letter}");
                let rest = &cluster[at + letter.len_utf8()..];
                if takes_value(&option) {
                    let value = if rest.is_empty() {
                        words.next()
                    } else {
                        Some(rest.to_owned())
                    };
                    reader.option(&option, || value)?;
                    break;
                }
                reader.option(&option, || None)?;
            }
        } else {
            reader.url(word);
        }
    }
    reader.finish()
}

/// Options whose value is the next word.
fn takes_value(option: &str) -> bool {
    matches!(
        option,
        "-X" | "--request"
            | "-H"
            | "--header"
            | "-d"
            | "--data"
            | "--data-ascii"
            | "--data-raw"
            | "--data-binary"
            | "--data-urlencode"
            | "--json"
            | "-F"
            | "--form"
            | "--form-string"
            | "-u"
            | "--user"
            | "--url"
            | "-A"
            | "--user-agent"
            | "-b"
            | "--cookie"
            | "-e"
            | "--referer"
            | "-m"
            | "--max-time"
            | "--oauth2-bearer"
            | "-o"
            | "--output"
            | "-w"
            | "--write-out"
            | "-x"
            | "--proxy"
            | "-c"
            | "--cookie-jar"
            | "-T"
            | "--upload-file"
            | "--connect-timeout"
            | "--retry"
            | "--cacert"
            | "--cert"
            | "-E"
            | "--key"
            | "--resolve"
            | "--limit-rate"
            | "-r"
            | "--range"
            | "-C"
            | "--continue-at"
            | "-D"
            | "--dump-header"
            | "-K"
            | "--config"
            | "-U"
            | "--proxy-user"
            | "-Y"
            | "--speed-limit"
            | "-y"
            | "--speed-time"
            | "-z"
            | "--time-cond"
            | "--max-redirs"
            | "--max-filesize"
            | "--retry-delay"
            | "--retry-max-time"
            | "--keepalive-time"
            | "--expect100-timeout"
            | "--happy-eyeballs-timeout-ms"
            | "--interface"
            | "--local-port"
            | "--dns-servers"
            | "--noproxy"
            | "--capath"
            | "--cert-type"
            | "--key-type"
            | "--pass"
            | "--ciphers"
            | "--tls-max"
            | "--proto"
            | "--proto-redir"
            | "--request-target"
            | "--unix-socket"
            | "--abstract-unix-socket"
            | "--trace"
            | "--trace-ascii"
            | "--stderr"
            | "--output-dir"
            | "--url-query"
            | "--variable"
            | "--aws-sigv4"
            | "--socks5"
            | "--socks5-hostname"
    )
}

/// Output and progress options that change nothing about the request.
fn harmless(option: &str) -> bool {
    matches!(
        option,
        "-s" | "--silent"
            | "-S"
            | "--show-error"
            | "-v"
            | "--verbose"
            | "-i"
            | "--include"
            | "-f"
            | "--fail"
            | "--fail-with-body"
            | "-g"
            | "--globoff"
            | "-N"
            | "--no-buffer"
            | "-#"
            | "--progress-bar"
            | "--no-progress-meter"
            | "--compressed"
            | "--http1.1"
            | "--http2"
            | "-o"
            | "--output"
            | "-w"
            | "--write-out"
            | "--connect-timeout"
            | "--retry"
    )
}

/// A piece of `-d`-style data, in order.
enum Data {
    /// Sent as written (`-d`, `--data-raw`, `--data-binary`, `--json`).
    Text(String),
    /// `--data-urlencode`: the value is encoded by curl, the name is not.
    Encoded { name: Option<String>, value: String },
}

#[derive(Default)]
struct Reader {
    method: Option<String>,
    urls: Vec<String>,
    headers: Vec<KeyValue>,
    data: Vec<Data>,
    form: Vec<FormField>,
    auth: Option<Auth>,
    get: bool,
    head: bool,
    insecure: bool,
    follow_redirects: bool,
    timeout_ms: Option<u64>,
    warnings: Warnings,
}

impl Reader {
    fn option(
        &mut self,
        option: &str,
        value: impl FnOnce() -> Option<String>,
    ) -> Result<(), ImportError> {
        let value = if takes_value(option) {
            Some(value().ok_or_else(|| ImportError::new(option, "needs a value"))?)
        } else {
            None
        };
        let value = value.unwrap_or_default();
        match option {
            "-X" | "--request" => self.method = Some(value),
            "-H" | "--header" => self.header(option, &value),
            "-d" | "--data" | "--data-ascii" | "--data-binary" => {
                if let Some(file) = value.strip_prefix('@') {
                    self.warnings.add(
                        option,
                        format!("reads the body from the file {}: Courier cannot send a file as the whole body, so the text was kept as written", file),
                    );
                }
                self.data.push(Data::Text(value));
            }
            "--data-raw" => self.data.push(Data::Text(value)),
            "--json" => {
                self.data.push(Data::Text(value));
                for (name, default) in [
                    ("Content-Type", "application/json"),
                    ("Accept", "application/json"),
                ] {
                    if !self.has_header(name) {
                        self.headers.push(KeyValue::new(name, default));
                    }
                }
            }
            "--data-urlencode" => self.data_urlencode(option, &value),
            "-F" | "--form" => self.form(option, &value, false),
            "--form-string" => self.form(option, &value, true),
            "-u" | "--user" => {
                let (username, password) = match value.split_once(':') {
                    Some((username, password)) => (username.to_owned(), password.to_owned()),
                    None => {
                        self.warnings.add(
                            option,
                            "no password given (curl would ask for one): an empty password was set",
                        );
                        (value, String::new())
                    }
                };
                self.auth = Some(Auth::Basic { username, password });
            }
            "--oauth2-bearer" => self.auth = Some(Auth::Bearer { token: value }),
            "--url" => self.url(value),
            "-G" | "--get" => self.get = true,
            "-I" | "--head" => self.head = true,
            "-k" | "--insecure" => self.insecure = true,
            "-L" | "--location" => self.follow_redirects = true,
            "-A" | "--user-agent" => self.headers.push(KeyValue::new("User-Agent", &value)),
            "-e" | "--referer" => self.headers.push(KeyValue::new("Referer", &value)),
            "-b" | "--cookie" => {
                if value.contains('=') {
                    self.headers.push(KeyValue::new("Cookie", &value));
                } else {
                    self.warnings.add(
                        option,
                        format!("reads cookies from the file {value}: left out"),
                    );
                }
            }
            "-m" | "--max-time" => match value.parse::<f64>() {
                Ok(seconds) if seconds >= 0.0 => self.timeout_ms = Some((seconds * 1000.0) as u64),
                _ => self.warnings.add(
                    option,
                    format!("“{value}” is not a number of seconds: left out"),
                ),
            },
            _ if harmless(option) => {}
            _ if takes_value(option) => {
                self.warnings.add(
                    option,
                    format!("not supported: left out, with its value “{value}”"),
                );
            }
            _ => self.warnings.add(option, "unknown option: left out"),
        }
        Ok(())
    }

    fn url(&mut self, url: String) {
        self.urls.push(url);
    }

    fn has_header(&self, name: &str) -> bool {
        self.headers
            .iter()
            .any(|h| h.key.eq_ignore_ascii_case(name))
    }

    fn header(&mut self, option: &str, value: &str) {
        if let Some(file) = value.strip_prefix('@') {
            self.warnings.add(
                option,
                format!("reads headers from the file {file}: left out"),
            );
        } else if let Some((name, value)) = value.split_once(':') {
            if value.trim().is_empty() {
                self.warnings.add(
                    option,
                    format!("“{name}:” removes one of curl's own headers: left out"),
                );
            } else {
                self.headers.push(KeyValue::new(name.trim(), value.trim()));
            }
        } else if let Some(name) = value.strip_suffix(';') {
            self.headers.push(KeyValue::new(name.trim(), ""));
        } else {
            self.warnings
                .add(option, format!("“{value}” is not `Name: value`: left out"));
        }
    }

    fn data_urlencode(&mut self, option: &str, value: &str) {
        // curl's forms: `content`, `=content`, `name=content`, `@file`, `name@file`.
        let equals = value.find('=');
        if value
            .find('@')
            .is_some_and(|at| equals.is_none_or(|equals| at < equals))
        {
            self.warnings
                .add(option, format!("“{value}” reads a file: left out"));
            return;
        }
        let (name, content) = match equals {
            None => (None, value),
            Some(0) => (None, &value[1..]),
            Some(equals) => (Some(value[..equals].to_owned()), &value[equals + 1..]),
        };
        self.data.push(Data::Encoded {
            name,
            value: content.to_owned(),
        });
    }

    fn form(&mut self, option: &str, value: &str, literal: bool) {
        let Some((name, content)) = value.split_once('=') else {
            self.warnings
                .add(option, format!("“{value}” is not `name=value`: left out"));
            return;
        };
        let value = if literal {
            FormValue::Text {
                text: content.to_owned(),
            }
        } else if let Some(file) = content.strip_prefix('@') {
            let (path, extra) = form_file(file);
            if extra {
                self.warnings
                    .add(option, "the part's ;type= or ;filename= left out");
            }
            FormValue::File { path }
        } else if let Some(file) = content.strip_prefix('<') {
            self.warnings.add(
                option,
                format!("the field's text comes from the file {file}: imported as a file upload"),
            );
            FormValue::File {
                path: file.to_owned(),
            }
        } else {
            let (text, extra) = content
                .split_once(";type=")
                .map_or((content, false), |(text, _)| (text, true));
            if extra {
                self.warnings.add(option, "the part's ;type= left out");
            }
            FormValue::Text {
                text: text.to_owned(),
            }
        };
        self.form.push(FormField {
            key: name.to_owned(),
            value,
            enabled: true,
            description: None,
        });
    }

    fn finish(mut self) -> Result<CurlImport, ImportError> {
        // The URL is the first word with a scheme, else the first word: a word left
        // over from an option this reader does not know must not win over it.
        let chosen = self
            .urls
            .iter()
            .position(|word| word.contains("://"))
            .unwrap_or(0);
        if self.urls.is_empty() {
            return Err(ImportError::new("", "no URL in the command"));
        }
        let mut url = self.urls.remove(chosen);
        for other in &self.urls {
            self.warnings.add(
                other,
                "a second URL, or the value of an unknown option: left out",
            );
        }
        let has_data = !self.data.is_empty();
        let mut body = Body::None;
        if !self.form.is_empty() {
            if has_data {
                self.warnings.add(
                    "-d",
                    "both -d and -F given (curl refuses this): the data was left out",
                );
            }
            body = Body::FormData {
                fields: std::mem::take(&mut self.form),
            };
        } else if has_data && self.get {
            let query = self
                .data
                .iter()
                .map(Data::as_sent)
                .collect::<Vec<_>>()
                .join("&");
            url.push(if url.contains('?') { '&' } else { '?' });
            url.push_str(&query);
        } else if has_data {
            body = self.body();
        }
        let implied = if self.head {
            "HEAD"
        } else if matches!(body, Body::None) {
            "GET"
        } else {
            "POST"
        };
        let spec = RequestSpec {
            method: self.method.take().unwrap_or_else(|| implied.to_owned()),
            params: params_from_url(&url, &[]),
            url,
            headers: self.headers,
            body,
            // The command says everything about its auth: nothing is inherited.
            auth: self.auth.unwrap_or(Auth::None),
        };
        Ok(CurlImport {
            spec,
            insecure: self.insecure,
            follow_redirects: self.follow_redirects,
            timeout_ms: self.timeout_ms,
            warnings: self.warnings.0,
        })
    }

    /// The body `-d` and friends make: urlencoded fields when the data is
    /// `name=value` pairs and no other type was set, else text in the language of its
    /// `Content-Type` (and curl's default type written out when there was none).
    fn body(&mut self) -> Body {
        let content_type = self
            .headers
            .iter()
            .find(|h| h.key.eq_ignore_ascii_case("content-type"))
            .map(|h| h.value.to_ascii_lowercase());
        let urlencoded = content_type
            .as_deref()
            .is_none_or(|t| t.starts_with(URLENCODED));
        if urlencoded && let Some(fields) = self.urlencoded_fields() {
            return Body::UrlEncoded { fields };
        }
        let text = self
            .data
            .iter()
            .map(Data::as_sent)
            .collect::<Vec<_>>()
            .join("&");
        let language = match content_type.as_deref() {
            Some(t) if t.contains("json") => RawLanguage::Json,
            Some(t) if t.contains("html") => RawLanguage::Html,
            Some(t) if t.contains("xml") => RawLanguage::Xml,
            Some(t) if t.contains("javascript") => RawLanguage::Javascript,
            Some(_) => RawLanguage::Text,
            None => {
                self.headers.push(KeyValue::new("Content-Type", URLENCODED));
                if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
                    RawLanguage::Json
                } else {
                    RawLanguage::Text
                }
            }
        };
        Body::Raw { text, language }
    }

    fn urlencoded_fields(&self) -> Option<Vec<KeyValue>> {
        let mut fields = Vec::new();
        for piece in &self.data {
            match piece {
                Data::Encoded {
                    name: Some(name),
                    value,
                } => fields.push(KeyValue::new(name, value)),
                Data::Encoded { name: None, .. } => return None,
                Data::Text(text) => {
                    for pair in text.split('&').filter(|pair| !pair.is_empty()) {
                        let (name, value) = pair.split_once('=')?;
                        if !well_encoded(name) || !well_encoded(value) {
                            return None;
                        }
                        fields.push(KeyValue::new(decode(name), decode(value)));
                    }
                }
            }
        }
        Some(fields)
    }
}

impl Data {
    /// The bytes curl sends for this piece.
    fn as_sent(&self) -> String {
        match self {
            Self::Text(text) => text.clone(),
            Self::Encoded { name, value } => {
                let encoded: String = form_urlencoded::byte_serialize(value.as_bytes()).collect();
                match name {
                    Some(name) => format!("{name}={encoded}"),
                    None => encoded,
                }
            }
        }
    }
}

/// Every `%` starts a `%XX` escape, and nothing needs escaping that is not.
fn well_encoded(text: &str) -> bool {
    let bytes = text.as_bytes();
    bytes.iter().enumerate().all(|(at, byte)| match byte {
        b'%' => bytes
            .get(at + 1..at + 3)
            .is_some_and(|hex| hex.iter().all(u8::is_ascii_hexdigit)),
        b'&' | b'=' | b' ' => false,
        _ => true,
    })
}

fn decode(text: &str) -> String {
    form_urlencoded::parse(format!("x={text}").as_bytes())
        .next()
        .map(|(_, value)| value.into_owned())
        .unwrap_or_default()
}

/// `path`, `"quoted;path"`, each maybe followed by `;type=…` or `;filename=…`.
fn form_file(file: &str) -> (String, bool) {
    if let Some(quoted) = file.strip_prefix('"') {
        let mut path = String::new();
        let mut chars = quoted.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => path.extend(chars.next()),
                '"' => break,
                c => path.push(c),
            }
        }
        let extra = !chars.as_str().is_empty();
        (path, extra)
    } else {
        match file.split_once(';') {
            Some((path, _)) => (path.to_owned(), true),
            None => (file.to_owned(), false),
        }
    }
}

/// Splits `command` into words as a POSIX shell does: '…' literal, "…" with `\`
/// escaping `$`, `` ` ``, `"`, `\` and newlines, bash's $'…' with C escapes, a
/// backslash outside quotes escaping the next character, and `\` + newline joining
/// lines. Nothing is expanded: `$HOME` stays as written.
fn shell_words(command: &str) -> Result<Vec<String>, ImportError> {
    let chars: Vec<char> = command.chars().collect();
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut at = 0;
    let unclosed = |start: usize, what: &str| {
        ImportError::new(
            format!("character {}", start + 1),
            format!("{what} is never closed"),
        )
    };
    while at < chars.len() {
        let c = chars[at];
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                words.extend(word.take());
                at += 1;
            }
            '\\' => {
                match chars.get(at + 1) {
                    Some('\n') => {}
                    Some('\r') if chars.get(at + 2) == Some(&'\n') => at += 1,
                    Some(&next) => word.get_or_insert_default().push(next),
                    None => {}
                }
                at += 2;
            }
            '\'' => {
                let start = at;
                let end = chars[at + 1..]
                    .iter()
                    .position(|&c| c == '\'')
                    .ok_or_else(|| unclosed(start, "a single quote"))?;
                word.get_or_insert_default()
                    .extend(&chars[at + 1..at + 1 + end]);
                at += end + 2;
            }
            '"' => {
                let start = at;
                let text = word.get_or_insert_default();
                at += 1;
                loop {
                    match chars.get(at) {
                        None => return Err(unclosed(start, "a double quote")),
                        Some('"') => break,
                        Some('\\') => match chars.get(at + 1) {
                            Some('\n') => at += 1,
                            Some(&next @ ('$' | '`' | '"' | '\\')) => {
                                text.push(next);
                                at += 1;
                            }
                            _ => text.push('\\'),
                        },
                        Some(&other) => text.push(other),
                    }
                    at += 1;
                }
                at += 1;
            }
            '$' if chars.get(at + 1) == Some(&'\'') => {
                let start = at;
                let text = word.get_or_insert_default();
                at += 2;
                loop {
                    match chars.get(at) {
                        None => return Err(unclosed(start, "a $' quote")),
                        Some('\'') => break,
                        Some('\\') => {
                            at += 1;
                            let (decoded, used) = ansi_c_escape(&chars[at..]);
                            text.push_str(&decoded);
                            at += used;
                            continue;
                        }
                        Some(&other) => text.push(other),
                    }
                    at += 1;
                }
                at += 1;
            }
            other => {
                word.get_or_insert_default().push(other);
                at += 1;
            }
        }
    }
    words.extend(word);
    Ok(words)
}

/// The text of a `\` escape in $'…' whose rest starts `rest`, and how many characters
/// it used.
fn ansi_c_escape(rest: &[char]) -> (String, usize) {
    let Some(&first) = rest.first() else {
        return ("\\".to_owned(), 0);
    };
    let simple = match first {
        'n' => Some('\n'),
        't' => Some('\t'),
        'r' => Some('\r'),
        'a' => Some('\u{7}'),
        'b' => Some('\u{8}'),
        'e' | 'E' => Some('\u{1b}'),
        'f' => Some('\u{c}'),
        'v' => Some('\u{b}'),
        '\\' | '\'' | '"' | '?' => Some(first),
        _ => None,
    };
    if let Some(c) = simple {
        return (c.to_string(), 1);
    }
    let (digits, radix, skip) = match first {
        'x' => (2, 16, 1),
        'u' => (4, 16, 1),
        'U' => (8, 16, 1),
        '0'..='7' => (3, 8, 0),
        _ => return (format!("\\{first}"), 1),
    };
    let run: String = rest[skip..]
        .iter()
        .take(digits)
        .take_while(|c| c.is_digit(radix))
        .collect();
    match u32::from_str_radix(&run, radix)
        .ok()
        .and_then(char::from_u32)
    {
        Some(c) if !run.is_empty() => (c.to_string(), skip + run.len()),
        _ => (format!("\\{first}"), 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_split_like_a_posix_shell() {
        let command = "curl -H 'a b' \\\n  -d \"x \\\"y\\\" \\$HOME \\n\" $'it\\'s\\n\\x41\\u00e9' plain\\ word ''";
        assert_eq!(
            shell_words(command).expect("words"),
            [
                "curl",
                "-H",
                "a b",
                "-d",
                "x \"y\" $HOME \\n",
                "it's\nAé",
                "plain word",
                ""
            ]
        );
        let error = shell_words("curl 'open").expect_err("unclosed");
        assert_eq!(
            error.to_string(),
            "character 6: a single quote is never closed"
        );
        assert!(shell_words("curl \"open").is_err());
        assert!(shell_words("curl $'open").is_err());
    }

    #[test]
    fn quoting_is_bare_only_when_safe() {
        assert_eq!(
            quote("https://x.example/a?b=1"),
            "'https://x.example/a?b=1'"
        );
        assert_eq!(quote("-X"), "-X");
        assert_eq!(quote("it's"), "'it'\\''s'");
        assert_eq!(quote(""), "''");
        for text in ["it's", "a b", "$HOME", "`x`", "a\nb", "\\", "!"] {
            assert_eq!(shell_words(&quote(text)).expect("words"), [text], "{text}");
        }
    }
}
