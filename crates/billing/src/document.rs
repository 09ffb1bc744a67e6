//! An invoice as a document a person keeps: [`invoice_html`] (a self-contained,
//! printable HTML5 page) and [`invoice_pdf`] (a PDF 1.4 written here, without a PDF
//! dependency). Both show the same things from the same [`InvoiceHeading`] and
//! [`Invoice`]: the number, the dates (UTC), who is billed, the status, each line's
//! [`InvoiceLine::description`](crate::InvoiceLine::description) and amount, the
//! subtotal, the credit applied and carried, the total and the payment method.
//! Amounts are printed by [`Money`]'s `Display` (`40.00 USD`), never through floats.
//!
//! Team names and e-mail addresses are user input: the HTML escapes every piece of
//! text and carries no script, link or external resource; the PDF escapes its string
//! delimiters, writes only the standard Helvetica fonts in WinAnsiEncoding (a
//! character they cannot show becomes `?`), wraps or shortens long text so it stays
//! on the page, and flows many lines onto further pages.

use std::fmt::Write as _;

use serde::{Deserialize, Serialize};

use crate::invoice::{Invoice, day};
use crate::money::Money;

/// Who issues the invoices: the lines printed at the top right of every invoice.
pub const SELLER: &[&str] = &["Courier", "courier.example", "billing@courier.example"];

/// Whether an invoice is paid, as printed on it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    /// Paid, or nothing to pay (covered by credit).
    Paid,
    /// Waiting for a payment.
    Open,
    /// Never to be paid.
    Void,
}

impl InvoiceStatus {
    /// The word printed on the invoice.
    pub fn label(self) -> &'static str {
        match self {
            InvoiceStatus::Paid => "Paid",
            InvoiceStatus::Open => "Open",
            InvoiceStatus::Void => "Void",
        }
    }
}

/// What an invoice document shows besides the [`Invoice`] itself (whose `issued_at`
/// and `period` give the dates).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceHeading {
    /// The number printed on it, such as `ACME-0007`.
    pub number: String,
    /// The team billed (user input).
    pub team_name: String,
    /// Where the team's invoices go (user input).
    pub billing_email: String,
    pub status: InvoiceStatus,
    /// The card charged, when one was: "Visa ending 4242".
    pub paid_with: Option<String>,
    /// The seller's name and address lines; [`SELLER`] unless a deployment sets its own.
    pub seller: Vec<String>,
}

impl InvoiceHeading {
    /// A heading with no payment method and Courier as the seller ([`SELLER`]).
    pub fn new(
        number: impl Into<String>,
        team_name: impl Into<String>,
        billing_email: impl Into<String>,
        status: InvoiceStatus,
    ) -> Self {
        InvoiceHeading {
            number: number.into(),
            team_name: team_name.into(),
            billing_email: billing_email.into(),
            status,
            paid_with: None,
            seller: SELLER.iter().map(|line| (*line).to_owned()).collect(),
        }
    }

    /// The payment line: "Paid with Visa ending 4242", or what stands in its place.
    fn payment(&self, invoice: &Invoice) -> String {
        match (&self.paid_with, self.status) {
            (Some(method), InvoiceStatus::Paid) => format!("Paid with {method}"),
            (Some(method), _) => format!("Payment method: {method}"),
            (None, _) if invoice.total.is_zero() => "Nothing to pay".to_owned(),
            (None, _) => "No payment method".to_owned(),
        }
    }
}

/// The four amounts under the lines, each with its label, as both documents print
/// them. The credit applied is shown negative, so the column adds up to the total.
fn totals(invoice: &Invoice) -> [(&'static str, Money); 4] {
    let applied = invoice
        .credit_applied
        .checked_neg()
        .unwrap_or(invoice.credit_applied);
    [
        ("Subtotal", invoice.subtotal),
        ("Credit applied from balance", applied),
        ("Credit carried to balance", invoice.credit_carried),
        ("Total", invoice.total),
    ]
}

fn service_period(invoice: &Invoice) -> String {
    format!(
        "{} to {}",
        day(invoice.period.start),
        day(invoice.period.end)
    )
}

// ---------------------------------------------------------------------------------
// HTML

/// `text` with `&`, `<`, `>`, `"` and `'` as character references.
fn escape_html(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            _ => escaped.push(c),
        }
    }
    escaped
}

const STYLE: &str = "\
@page { size: A4; margin: 18mm; }
* { box-sizing: border-box; }
body { margin: 0 auto; max-width: 48rem; padding: 2rem 1.5rem; color: #111;
  font: 14px/1.45 -apple-system, \"Segoe UI\", Helvetica, Arial, sans-serif; }
header { display: flex; justify-content: space-between; gap: 2rem; align-items: flex-start; }
h1 { font-size: 1.9rem; margin: 0; }
.seller { text-align: right; color: #555; font-size: 0.85rem; }
.seller p { margin: 0; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.2rem 1.5rem; margin: 1.5rem 0; }
dt { font-weight: 600; }
dd { margin: 0; overflow-wrap: anywhere; }
.status { font-weight: 600; }
.status-paid { color: #176b2c; }
.status-open { color: #8a5a00; }
.status-void { color: #666; }
table { width: 100%; border-collapse: collapse; margin-top: 1rem; }
th, td { padding: 0.45rem 0; text-align: left; vertical-align: top; }
thead th { border-bottom: 1px solid #111; }
tbody td { border-bottom: 1px solid #ddd; overflow-wrap: anywhere; }
tfoot th { font-weight: normal; text-align: right; padding-right: 1.5rem; }
.amount { text-align: right; white-space: nowrap; padding-left: 1.5rem;
  font-variant-numeric: tabular-nums; }
tfoot tr:first-child th, tfoot tr:first-child td { padding-top: 0.9rem; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid #111; }
.payment { margin-top: 1.5rem; }
tr { break-inside: avoid; }
@media print { body { max-width: none; padding: 0; } }
";

/// The invoice as a complete HTML5 document: inline CSS, no script, no external
/// resource (a Content-Security-Policy says so too), every piece of text escaped.
pub fn invoice_html(heading: &InvoiceHeading, invoice: &Invoice) -> String {
    let number = escape_html(&heading.number);
    let mut html = String::with_capacity(4_096);
    // Writing to a String cannot fail.
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Invoice {number}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n\
         <header>\n<h1>Invoice</h1>\n<div class=\"seller\">\n"
    );
    for line in &heading.seller {
        let _ = writeln!(html, "<p>{}</p>", escape_html(line));
    }
    let status = heading.status;
    let _ = write!(
        html,
        "</div>\n</header>\n<dl>\n\
         <dt>Invoice number</dt><dd>{number}</dd>\n\
         <dt>Issued</dt><dd>{issued}</dd>\n\
         <dt>Service period</dt><dd>{period}</dd>\n\
         <dt>Status</dt><dd><span class=\"status status-{class}\">{label}</span></dd>\n\
         <dt>Bill to</dt><dd>{team}<br>{email}</dd>\n\
         </dl>\n<table>\n<thead><tr><th scope=\"col\">Description</th>\
         <th scope=\"col\" class=\"amount\">Amount</th></tr></thead>\n<tbody>\n",
        issued = escape_html(&day(invoice.issued_at)),
        period = escape_html(&service_period(invoice)),
        class = status.label().to_ascii_lowercase(),
        label = status.label(),
        team = escape_html(&heading.team_name),
        email = escape_html(&heading.billing_email),
    );
    for line in &invoice.lines {
        let _ = writeln!(
            html,
            "<tr><td>{}</td><td class=\"amount\">{}</td></tr>",
            escape_html(&line.description()),
            escape_html(&line.amount.to_string()),
        );
    }
    html.push_str("</tbody>\n<tfoot>\n");
    for (label, amount) in totals(invoice) {
        let class = if label == "Total" {
            " class=\"total\""
        } else {
            ""
        };
        let _ = writeln!(
            html,
            "<tr{class}><th scope=\"row\">{label}</th><td class=\"amount\">{}</td></tr>",
            escape_html(&amount.to_string()),
        );
    }
    let _ = write!(
        html,
        "</tfoot>\n</table>\n<p class=\"payment\">{}</p>\n</body>\n</html>\n",
        escape_html(&heading.payment(invoice)),
    );
    html
}

// ---------------------------------------------------------------------------------
// PDF
//
// Lengths are in thousandths of a point (1 pt = 1/72 inch), as integers.

const PAGE_WIDTH: i64 = 595_000; // A4: 210 mm
const PAGE_HEIGHT: i64 = 842_000; // A4: 297 mm
const LEFT: i64 = 56_000; // 20 mm margins
const RIGHT: i64 = PAGE_WIDTH - LEFT;
const TOP: i64 = PAGE_HEIGHT - LEFT;
/// The lowest baseline of the body; the footer sits below it.
const BOTTOM: i64 = 80_000;
const FOOTER: i64 = 40_000;
/// Where a meta row's value starts.
const VALUE_X: i64 = LEFT + 110_000;
/// The space between a line's description and its amount.
const GUTTER: i64 = 24_000;
/// The least width a line's description keeps, however wide the amounts.
const MIN_DESCRIPTION_WIDTH: i64 = 300_000;
/// Where the totals' labels start.
const TOTALS_X: i64 = RIGHT - 290_000;
/// The most lines one piece of text takes before it is shortened with "…".
const DESCRIPTION_LINES: usize = 3;
/// WinAnsiEncoding's ellipsis.
const ELLIPSIS: u8 = 0x85;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Font {
    Regular,
    Bold,
}

/// Helvetica's advance widths (thousandths of an em) for the printable ASCII
/// characters, from its Adobe font metrics.
#[rustfmt::skip]
const HELVETICA: [i64; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556,
    1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556,
    333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556,
    556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584,
];

/// Helvetica-Bold's advance widths, as [`HELVETICA`].
#[rustfmt::skip]
const HELVETICA_BOLD: [i64; 95] = [
    278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278,
    556, 556, 556, 556, 556, 556, 556, 556, 556, 556, 333, 333, 584, 584, 584, 611,
    975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722, 611, 833, 722, 778,
    667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556,
    333, 556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611,
    611, 611, 389, 556, 333, 611, 556, 778, 556, 556, 500, 389, 280, 389, 584,
];

/// The advance width of a WinAnsi byte. Outside ASCII it is an upper bound (no
/// accented letter is wider than 778, and nothing is wider than an em), so text
/// measured with it never runs past where it was measured to end.
fn glyph_width(font: Font, byte: u8) -> i64 {
    let table = match font {
        Font::Regular => &HELVETICA,
        Font::Bold => &HELVETICA_BOLD,
    };
    match byte {
        0xC6 | 0xE6 => 1_000, // Æ æ
        0xC0..=0xFF => 778,
        _ => byte
            .checked_sub(32)
            .and_then(|index| table.get(usize::from(index)))
            .copied()
            .unwrap_or(1_000),
    }
}

/// The width of `text` set in `font` at `size` points.
fn text_width(font: Font, size: i64, text: &[u8]) -> i64 {
    text.iter()
        .map(|byte| glyph_width(font, *byte))
        .sum::<i64>()
        .saturating_mul(size)
}

/// `text` in WinAnsiEncoding: Latin-1 and the typographic characters WinAnsi adds
/// (€ – — ‘ ’ “ ” • … ™ and the like) as themselves, white space as a space, any
/// other character (and control characters) as `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\t' | '\n' | '\r' => b' ',
            ' '..='~' | '\u{A0}'..='\u{FF}' => u8::try_from(c).unwrap_or(b'?'),
            '€' => 0x80,
            '‚' => 0x82,
            'ƒ' => 0x83,
            '„' => 0x84,
            '…' => 0x85,
            '†' => 0x86,
            '‡' => 0x87,
            'ˆ' => 0x88,
            '‰' => 0x89,
            'Š' => 0x8A,
            '‹' => 0x8B,
            'Œ' => 0x8C,
            'Ž' => 0x8E,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '˜' => 0x98,
            '™' => 0x99,
            'š' => 0x9A,
            '›' => 0x9B,
            'œ' => 0x9C,
            'ž' => 0x9E,
            'Ÿ' => 0x9F,
            _ => b'?',
        })
        .collect()
}

/// `text` as the inside of a PDF literal string: `\`, `(` and `)` escaped, bytes
/// outside printable ASCII as octal escapes (so the file stays ASCII).
fn escape_pdf(text: &[u8]) -> String {
    let mut escaped = String::with_capacity(text.len());
    for &byte in text {
        match byte {
            b'\\' | b'(' | b')' => {
                escaped.push('\\');
                escaped.push(char::from(byte));
            }
            b' '..=b'~' => escaped.push(char::from(byte)),
            _ => {
                let _ = write!(escaped, "\\{byte:03o}");
            }
        }
    }
    escaped
}

/// `text` broken at spaces into lines at most `width` wide (a word too long for a line
/// is broken inside), at most `max_lines` of them, the last ending in "…" if text was
/// left out.
fn wrap(text: &[u8], font: Font, size: i64, width: i64, max_lines: usize) -> Vec<Vec<u8>> {
    let fits = |line: &[u8]| text_width(font, size, line) <= width;
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let mut line: Vec<u8> = Vec::new();
    for word in text
        .split(|byte| *byte == b' ')
        .filter(|word| !word.is_empty())
    {
        let mut candidate = line.clone();
        if !candidate.is_empty() {
            candidate.push(b' ');
        }
        candidate.extend_from_slice(word);
        if fits(&candidate) {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        for &byte in word {
            line.push(byte);
            if !fits(&line) && line.len() > 1 {
                line.pop();
                lines.push(std::mem::replace(&mut line, vec![byte]));
            }
        }
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    if lines.len() > max_lines {
        lines.truncate(max_lines.max(1));
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && !fits(&[last.as_slice(), &[ELLIPSIS]].concat()) {
                last.pop();
            }
            while last.last() == Some(&b' ') {
                last.pop();
            }
            last.push(ELLIPSIS);
        }
    }
    lines
}

/// One thing drawn on a page.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Op {
    /// Text with its baseline starting at (`x`, `y`).
    Text {
        font: Font,
        size: i64,
        x: i64,
        y: i64,
        muted: bool,
        text: Vec<u8>,
    },
    /// A horizontal rule across the body at `y`.
    Rule { y: i64, heavy: bool },
}

/// Pages being filled from the top, with `y` the top of the next line.
struct Pages {
    pages: Vec<Vec<Op>>,
    y: i64,
    /// The heading of a continuation page: "Invoice ACME-0007 (continued)".
    continued: Vec<u8>,
}

impl Pages {
    fn new(continued: Vec<u8>) -> Self {
        Pages {
            pages: vec![Vec::new()],
            y: TOP,
            continued,
        }
    }

    fn push(&mut self, op: Op) {
        if let Some(page) = self.pages.last_mut() {
            page.push(op);
        }
    }

    fn text(&mut self, font: Font, size: i64, x: i64, baseline: i64, text: Vec<u8>) {
        let op = Op::Text {
            font,
            size,
            x,
            y: baseline,
            muted: false,
            text,
        };
        self.push(op);
    }

    /// Text ending at `right`.
    fn right(&mut self, font: Font, size: i64, right: i64, baseline: i64, text: Vec<u8>) {
        let x = right.saturating_sub(text_width(font, size, &text));
        self.text(font, size, x, baseline, text);
    }

    /// Starts a new page unless `height` more fits on this one; says whether it did.
    fn room(&mut self, height: i64) -> bool {
        if self.y.saturating_sub(height) >= BOTTOM {
            return false;
        }
        self.pages.push(Vec::new());
        self.y = TOP;
        let heading = self.continued.clone();
        self.text(Font::Bold, 12, LEFT, self.y - 12_000, heading);
        self.y -= 30_000;
        true
    }

    /// A label and its value's lines, one under the other.
    fn meta_row(&mut self, label: &str, values: Vec<Vec<u8>>) {
        let height = 14_000 * i64::try_from(values.len()).unwrap_or(1);
        self.room(height);
        self.text(Font::Bold, 10, LEFT, self.y - 10_000, win_ansi(label));
        for value in values {
            self.text(Font::Regular, 10, VALUE_X, self.y - 10_000, value);
            self.y -= 14_000;
        }
    }

    fn table_header(&mut self) {
        let baseline = self.y - 10_000;
        self.text(Font::Bold, 10, LEFT, baseline, b"Description".to_vec());
        self.right(Font::Bold, 10, RIGHT, baseline, b"Amount".to_vec());
        self.y -= 15_000;
        self.push(Op::Rule {
            y: self.y,
            heavy: true,
        });
        self.y -= 8_000;
    }
}

/// The invoice laid out on A4 pages.
fn layout(heading: &InvoiceHeading, invoice: &Invoice) -> Vec<Vec<Op>> {
    let number = win_ansi(&heading.number);
    let continued = wrap(
        &[b"Invoice ".as_slice(), &number, b" (continued)"].concat(),
        Font::Bold,
        12,
        RIGHT - LEFT,
        1,
    );
    let mut pages = Pages::new(continued.concat());

    // The title, and the seller at the top right.
    pages.text(Font::Bold, 22, LEFT, TOP - 22_000, b"Invoice".to_vec());
    let mut seller_y = TOP - 9_000;
    for line in &heading.seller {
        let line = wrap(&win_ansi(line), Font::Regular, 9, 260_000, 1);
        pages.right(Font::Regular, 9, RIGHT, seller_y, line.concat());
        seller_y -= 12_000;
    }
    pages.y = seller_y.min(TOP - 30_000) - 18_000;

    let value_width = RIGHT - VALUE_X;
    let value =
        |text: &str, lines: usize| wrap(&win_ansi(text), Font::Regular, 10, value_width, lines);
    pages.meta_row("Invoice number", value(&heading.number, 2));
    pages.meta_row("Issued", value(&day(invoice.issued_at), 1));
    pages.meta_row("Service period", value(&service_period(invoice), 1));
    pages.meta_row("Status", value(heading.status.label(), 1));
    pages.y -= 8_000;
    let mut bill_to = value(&heading.team_name, 2);
    bill_to.extend(value(&heading.billing_email, 2));
    pages.meta_row("Bill to", bill_to);
    pages.y -= 16_000;

    pages.room(40_000);
    pages.table_header();
    // Descriptions take the width the widest amount leaves them.
    let widest_amount = invoice
        .lines
        .iter()
        .map(|line| text_width(Font::Regular, 10, line.amount.to_string().as_bytes()))
        .max()
        .unwrap_or(0);
    let description_width = (RIGHT - LEFT - GUTTER - widest_amount).max(MIN_DESCRIPTION_WIDTH);
    for line in &invoice.lines {
        let description = wrap(
            &win_ansi(&line.description()),
            Font::Regular,
            10,
            description_width,
            DESCRIPTION_LINES,
        );
        let height = 13_000 * i64::try_from(description.len()).unwrap_or(1) + 5_000;
        if pages.room(height) {
            pages.table_header();
        }
        let first = pages.y - 10_000;
        pages.right(
            Font::Regular,
            10,
            RIGHT,
            first,
            win_ansi(&line.amount.to_string()),
        );
        for text in description {
            pages.text(Font::Regular, 10, LEFT, pages.y - 10_000, text);
            pages.y -= 13_000;
        }
        pages.y -= 5_000;
    }

    // The totals and the payment method stay together.
    pages.room(110_000);
    pages.push(Op::Rule {
        y: pages.y,
        heavy: false,
    });
    pages.y -= 8_000;
    for (label, amount) in totals(invoice) {
        let (font, size) = if label == "Total" {
            pages.y -= 4_000;
            (Font::Bold, 11)
        } else {
            (Font::Regular, 10)
        };
        let baseline = pages.y - size * 1_000;
        pages.text(font, size, TOTALS_X, baseline, win_ansi(label));
        pages.right(font, size, RIGHT, baseline, win_ansi(&amount.to_string()));
        pages.y -= 16_000;
    }
    pages.y -= 10_000;
    let payment = wrap(
        &win_ansi(&heading.payment(invoice)),
        Font::Regular,
        10,
        RIGHT - LEFT,
        2,
    );
    for text in payment {
        pages.text(Font::Regular, 10, LEFT, pages.y - 10_000, text);
        pages.y -= 14_000;
    }

    // A footer on every page, now that their number is known.
    let count = pages.pages.len();
    let label = wrap(
        &[b"Invoice ".as_slice(), &number].concat(),
        Font::Regular,
        8,
        300_000,
        1,
    )
    .concat();
    for (index, page) in pages.pages.iter_mut().enumerate() {
        let of = format!("Page {} of {count}", index.saturating_add(1));
        let of = win_ansi(&of);
        let x = RIGHT.saturating_sub(text_width(Font::Regular, 8, &of));
        for (x, text) in [(LEFT, label.clone()), (x, of)] {
            page.push(Op::Text {
                font: Font::Regular,
                size: 8,
                x,
                y: FOOTER,
                muted: true,
                text,
            });
        }
    }
    pages.pages
}

/// A length in thousandths of a point, as PDF writes a number: `56.000`.
fn pt(length: i64) -> String {
    let length = length.max(0);
    format!("{}.{:03}", length / 1_000, length % 1_000)
}

/// A page's content stream.
fn content(ops: &[Op]) -> String {
    let mut stream = String::new();
    for op in ops {
        match op {
            Op::Text {
                font,
                size,
                x,
                y,
                muted,
                text,
            } => {
                let font = match font {
                    Font::Regular => "F1",
                    Font::Bold => "F2",
                };
                let gray = if *muted { "0.4" } else { "0" };
                let _ = writeln!(
                    stream,
                    "BT /{font} {size} Tf {gray} g {} {} Td ({}) Tj ET",
                    pt(*x),
                    pt(*y),
                    escape_pdf(text)
                );
            }
            Op::Rule { y, heavy } => {
                let (gray, width) = if *heavy { ("0", "0.8") } else { ("0.7", "0.5") };
                let _ = writeln!(
                    stream,
                    "{gray} G {width} w {} {y} m {} {y} l S",
                    pt(LEFT),
                    pt(RIGHT),
                    y = pt(*y)
                );
            }
        }
    }
    stream
}

/// A PDF file being written: its bytes and where each object starts.
struct PdfWriter {
    bytes: Vec<u8>,
    /// The byte offset of object `n` at index `n - 1`.
    offsets: Vec<usize>,
}

impl PdfWriter {
    fn object(&mut self, body: &str) {
        self.offsets.push(self.bytes.len());
        let number = self.offsets.len();
        self.bytes
            .extend_from_slice(format!("{number} 0 obj\n{body}\nendobj\n").as_bytes());
    }
}

/// The invoice as a PDF 1.4 file: A4 pages, Helvetica and Helvetica-Bold, the same
/// content as [`invoice_html`]; lines that do not fit flow onto further pages, each
/// with a footer "Page i of n".
pub fn invoice_pdf(heading: &InvoiceHeading, invoice: &Invoice) -> Vec<u8> {
    let pages = layout(heading, invoice);
    // Objects: 1 catalog, 2 page tree, 3 and 4 fonts, 5 document info, then each
    // page followed by its content stream.
    const FIRST_PAGE: usize = 6;
    let kids: Vec<String> = (0..pages.len())
        .map(|index| format!("{} 0 R", FIRST_PAGE + 2 * index))
        .collect();
    let mut pdf = PdfWriter {
        // The comment of bytes above 127 tells tools the file is binary.
        bytes: b"%PDF-1.4\n%\xE2\xE3\xCF\xD3\n".to_vec(),
        offsets: Vec::new(),
    };
    pdf.object("<< /Type /Catalog /Pages 2 0 R >>");
    pdf.object(&format!(
        "<< /Type /Pages /Kids [{}] /Count {} >>",
        kids.join(" "),
        pages.len()
    ));
    for font in ["Helvetica", "Helvetica-Bold"] {
        pdf.object(&format!(
            "<< /Type /Font /Subtype /Type1 /BaseFont /{font} /Encoding /WinAnsiEncoding >>"
        ));
    }
    pdf.object(&format!(
        "<< /Title ({}) /Producer (Courier) >>",
        escape_pdf(&win_ansi(&format!("Invoice {}", heading.number)))
    ));
    for (index, ops) in pages.iter().enumerate() {
        let contents = FIRST_PAGE + 2 * index + 1;
        pdf.object(&format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {} {}] \
             /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {contents} 0 R >>",
            PAGE_WIDTH / 1_000,
            PAGE_HEIGHT / 1_000
        ));
        let stream = content(ops);
        pdf.object(&format!(
            "<< /Length {} >>\nstream\n{stream}\nendstream",
            stream.len()
        ));
    }

    let xref = pdf.bytes.len();
    let size = pdf.offsets.len() + 1;
    let mut table = format!("xref\n0 {size}\n0000000000 65535 f \n");
    for offset in &pdf.offsets {
        // Each entry is 20 bytes: the offset, the generation, `n`, a space and a newline.
        let _ = writeln!(table, "{offset:010} 00000 n ");
    }
    let _ = write!(
        table,
        "trailer\n<< /Size {size} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    );
    pdf.bytes.extend_from_slice(table.as_bytes());
    pdf.bytes
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use crate::invoice::LineKind;
    use crate::invoice::tests::{JANUARY, line};

    /// An upgrade on Jan 16 with 3.00 USD of credit: 38.70 − 20.65 − 3.00 = 15.05.
    fn upgrade() -> Invoice {
        let lines = vec![
            line(LineKind::UnusedTime, -2_065),
            line(LineKind::RemainingTime, 3_870),
        ];
        let issued = JANUARY.start + 15 * 86_400;
        Invoice::settle(issued, JANUARY, lines, Money::usd(300))
            .unwrap()
            .0
    }

    fn heading(team_name: &str) -> InvoiceHeading {
        InvoiceHeading {
            paid_with: Some("Visa ending 4242".into()),
            ..InvoiceHeading::new(
                "ACME-0007",
                team_name,
                "billing@acme.example",
                InvoiceStatus::Paid,
            )
        }
    }

    /// The file as text, each byte one character (`?` above ASCII), so offsets into
    /// the text are offsets into the file.
    fn lossy(pdf: &[u8]) -> String {
        pdf.iter()
            .map(|&byte| {
                if byte.is_ascii() {
                    char::from(byte)
                } else {
                    '?'
                }
            })
            .collect()
    }

    /// Checks the file's structure and returns its page count.
    fn check_structure(pdf: &[u8]) -> usize {
        let text = lossy(pdf);
        assert!(pdf.starts_with(b"%PDF-1.4\n"));
        assert!(pdf.ends_with(b"%%EOF\n"));

        let startxref = text.rfind("startxref\n").unwrap();
        let offset: usize = text[startxref + 10..]
            .lines()
            .next()
            .unwrap()
            .parse()
            .unwrap();
        assert!(pdf[offset..].starts_with(b"xref\n0 "), "startxref {offset}");

        let mut rows = text[offset..].lines().skip(1);
        let header = rows.next().unwrap();
        let size: usize = header.strip_prefix("0 ").unwrap().parse().unwrap();
        // Each entry is exactly 20 bytes.
        let table = &pdf[offset + 5 + header.len() + 1..];
        assert!(table.starts_with(b"0000000000 65535 f \n"));
        for number in 1..size {
            let entry = std::str::from_utf8(&table[number * 20..number * 20 + 20]).unwrap();
            assert!(entry.ends_with(" 00000 n \n"), "{entry:?}");
            let at: usize = entry[..10].parse().unwrap();
            let expected = format!("{number} 0 obj\n");
            assert!(
                pdf[at..].starts_with(expected.as_bytes()),
                "object {number} at {at}"
            );
        }
        assert!(table[size * 20..].starts_with(format!("trailer\n<< /Size {size} ").as_bytes()));

        // Each stream's /Length is the length of its data.
        for (at, _) in text.match_indices("/Length ") {
            let rest = &text[at + 8..];
            let length: usize = rest[..rest.find(' ').unwrap()].parse().unwrap();
            let data = rest.find("stream\n").unwrap() + 7;
            assert!(rest[data + length..].starts_with("\nendstream"));
        }

        let pages = text.matches("/Type /Page ").count();
        assert!(
            text.contains(&format!("/Count {pages} >>")),
            "{pages} pages"
        );
        pages
    }

    #[test]
    fn the_pdf_is_well_formed_and_holds_the_invoice() {
        let invoice = upgrade();
        let pdf = invoice_pdf(&heading("Acme"), &invoice);
        assert_eq!(check_structure(&pdf), 1);
        let text = lossy(&pdf);
        for shown in [
            "(Invoice) Tj",
            "(ACME-0007) Tj",
            "(2024-01-16) Tj",
            "(2024-01-01 to 2024-02-01) Tj",
            "(Paid) Tj",
            "(Acme) Tj",
            "(billing@acme.example) Tj",
            "(Paid with Visa ending 4242) Tj",
            "(Page 1 of 1) Tj",
            "/BaseFont /Helvetica /Encoding /WinAnsiEncoding",
            "/BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding",
            "/MediaBox [0 0 595 842]",
        ] {
            assert!(text.contains(shown), "{shown}");
        }
        assert!(text.contains("(15.05 USD) Tj"));
    }

    #[test]
    fn amounts_in_both_documents_are_the_invoices() {
        let invoice = upgrade();
        let html = invoice_html(&heading("Acme"), &invoice);
        let pdf = lossy(&invoice_pdf(&heading("Acme"), &invoice));
        let mut printed = Vec::new();
        for line in &invoice.lines {
            let (description, amount) = (line.description(), line.amount);
            let row = format!("<tr><td>{description}</td><td class=\"amount\">{amount}</td></tr>");
            assert!(html.contains(&row), "{row}");
            // One line of the PDF, its parentheses escaped.
            let shown = description.replace('(', "\\(").replace(')', "\\)");
            assert!(pdf.contains(&format!("({shown}) Tj")), "{shown}");
            assert!(pdf.contains(&format!("({amount}) Tj")), "{amount}");
            printed.push(amount.to_string());
        }
        for (label, amount) in totals(&invoice) {
            let row = format!("<th scope=\"row\">{label}</th><td class=\"amount\">{amount}</td>");
            assert!(html.contains(&row), "{row}");
            assert!(pdf.contains(&format!("({label}) Tj")), "{label}");
            assert!(pdf.contains(&format!("({amount}) Tj")), "{amount}");
            printed.push(amount.to_string());
        }
        assert_eq!(
            printed,
            [
                "-20.65 USD",
                "38.70 USD",
                "18.05 USD",
                "-3.00 USD",
                "0.00 USD",
                "15.05 USD"
            ]
        );
        // No other money appears in either document.
        assert_eq!(pdf.matches(" USD) Tj").count(), printed.len());
        assert_eq!(html.matches(" USD</td>").count(), printed.len());
    }

    #[test]
    fn html_is_self_contained_and_escapes_user_text() {
        let team = "<script>alert('x')</script> & \"Co\"";
        let html = invoice_html(&heading(team), &upgrade());
        assert!(html.starts_with("<!DOCTYPE html>\n<html lang=\"en\">"));
        assert!(html.ends_with("</html>\n"));
        assert!(!html.contains("<script"), "{html}");
        assert!(
            html.contains(
                "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Co&quot;<br>"
            )
        );
        for external in ["src=", "href=", "url(", "@import", "http:", "https:"] {
            assert!(!html.contains(external), "{external}");
        }
        for shown in [
            "<title>Invoice ACME-0007</title>",
            "<dd>ACME-0007</dd>",
            "<dd>2024-01-16</dd>",
            "<dd>2024-01-01 to 2024-02-01</dd>",
            "status-paid\">Paid</span>",
            "billing@acme.example</dd>",
            "<p>Courier</p>",
            "Paid with Visa ending 4242",
        ] {
            assert!(html.contains(shown), "{shown}");
        }
    }

    #[test]
    fn pdf_strings_are_escaped_and_kept_to_win_ansi() {
        let team = r"Acme (R&D) \ Zürich – 東京";
        let pdf = invoice_pdf(&heading(team), &upgrade());
        check_structure(&pdf);
        let text = lossy(&pdf);
        assert!(
            text.contains(r"(Acme \(R&D\) \\ Z\374rich \226 ??) Tj"),
            "{text}"
        );
        // Past the binary-marker comment, the file is ASCII.
        assert!(pdf[15..].is_ascii());
        let title = invoice_pdf(
            &InvoiceHeading::new("A(1)", "t", "e", InvoiceStatus::Open),
            &upgrade(),
        );
        let title = lossy(&title);
        assert!(title.contains(r"/Title (Invoice A\(1\))"));
        assert!(title.contains("(No payment method) Tj"));
    }

    #[test]
    fn two_hundred_lines_flow_onto_several_pages() {
        let lines = (0..200)
            .map(|index| line(LineKind::Subscription, 100 + index))
            .collect();
        let (invoice, _) = Invoice::settle(JANUARY.start, JANUARY, lines, Money::usd(0)).unwrap();
        let pdf = invoice_pdf(&heading("Acme"), &invoice);
        let pages = check_structure(&pdf);
        assert!(pages >= 4, "{pages} pages");
        let text = lossy(&pdf);
        assert!(text.contains(&format!("(Page {pages} of {pages}) Tj")));
        assert_eq!(
            text.matches("(Invoice ACME-0007 \\(continued\\)) Tj")
                .count(),
            pages - 1
        );
        // Every line is there once, and the total once, on the last page.
        for index in 0..200 {
            let amount = Money::usd(100 + index).to_string();
            assert_eq!(
                text.matches(&format!("({amount}) Tj")).count(),
                1,
                "{amount}"
            );
        }
        let last_page = text.rfind("/Type /Page ").unwrap();
        assert!(text[last_page..].contains(&format!("({}) Tj", invoice.total)));
    }

    #[test]
    fn long_text_is_wrapped_or_shortened_to_stay_on_the_page() {
        let long = "Acme ".repeat(80) + &"W".repeat(300);
        let mut long_line = line(LineKind::Subscription, 100);
        long_line.seats = u32::MAX;
        let (invoice, _) =
            Invoice::settle(JANUARY.start, JANUARY, vec![long_line], Money::usd(0)).unwrap();
        let mut heading = heading(&long);
        heading.billing_email = "x".repeat(500);
        heading.number = "N".repeat(200);
        let pages = layout(&heading, &invoice);
        for op in pages.iter().flatten() {
            let Op::Text {
                font,
                size,
                x,
                y,
                text,
                ..
            } = op
            else {
                continue;
            };
            let right = x + text_width(*font, *size, text);
            assert!(*x >= LEFT && right <= RIGHT, "{}", lossy(text));
            assert!(*y >= FOOTER && *y < PAGE_HEIGHT, "{}", lossy(text));
        }
        let text = lossy(&invoice_pdf(&heading, &invoice));
        // The team name takes two lines, the second shortened with an ellipsis.
        assert!(text.contains("\\205) Tj"), "{text}");
        check_structure(&invoice_pdf(&heading, &invoice));
    }

    #[test]
    fn wrapping_breaks_at_spaces_and_inside_long_words() {
        let width = text_width(Font::Regular, 10, b"aaaa");
        assert_eq!(
            wrap(b"aa aa aaaaaa", Font::Regular, 10, width, 5),
            [
                b"aa".to_vec(),
                b"aa".to_vec(),
                b"aaaa".to_vec(),
                b"aa".to_vec()
            ]
        );
        assert_eq!(
            wrap(b"aa aa aaaaaa", Font::Regular, 10, width, 2),
            [b"aa".to_vec(), vec![b'a', b'a', ELLIPSIS]]
        );
        assert_eq!(wrap(b"", Font::Regular, 10, width, 2), [Vec::<u8>::new()]);
    }
}
