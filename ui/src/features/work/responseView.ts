// How a response body is shown: which views suit its kind (Pretty for JSON, XML and
// HTML; Preview for images; Raw always), which opens first, the pretty text (JSON
// re-indented, XML/HTML markup one tag per line and indented), sizes, and the data: URL
// an image preview loads (the app's CSP allows img-src data:).
import type { BodyKind } from "../../bindings/BodyKind";
import type { Response } from "../../bindings/Response";

export type BodyView = "pretty" | "raw" | "preview";

export const VIEW_LABELS: Record<BodyView, string> = {
  pretty: "Pretty",
  raw: "Raw",
  preview: "Preview",
};

/** The views that suit a body of `kind`, the one to open first leading. */
export function viewsFor(kind: BodyKind): BodyView[] {
  switch (kind) {
    case "json":
    case "xml":
    case "html":
      return ["pretty", "raw"];
    case "image":
      return ["preview", "raw"];
    default:
      return ["raw"];
  }
}

/** The body's bytes as UTF-8 text (invalid bytes as U+FFFD). */
export function decodeBody(base64: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return new TextDecoder().decode(bytes);
}

/** `text` laid out for reading: JSON re-indented, markup indented; as is if it does not parse. */
export function prettyText(text: string, kind: BodyKind): string {
  if (kind === "json") {
    try {
      return JSON.stringify(JSON.parse(text), null, 2);
    } catch {
      return text;
    }
  }
  if (kind === "xml" || kind === "html") return indentMarkup(text);
  return text;
}

/** HTML's elements that never close. */
const VOID_HTML = /^<(area|base|br|col|embed|hr|img|input|link|meta|source|track|wbr)\b/i;

/** Tokens: a whole script/style/pre/textarea element, a comment, CDATA, a tag, text. */
const MARKUP_TOKENS =
  /<(script|style|pre|textarea)\b[^>]*>[\s\S]*?<\/\1\s*>|<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>|<[^>]+>|[^<]+/gi;

/** An opening tag (not a closing, declaration or self-closing one). */
const OPENING_TAG = /^\s*<[^/!?](?:[^>]*[^/>])?>$/;

/**
 * Markup one tag per line, children indented two spaces; text between tags on its own
 * line, or on the line of its tags when it is their only child. Script, style, pre and
 * textarea elements are kept whole, as they came.
 */
export function indentMarkup(source: string): string {
  const lines: string[] = [];
  let depth = 0;
  for (const token of source.match(MARKUP_TOKENS) ?? []) {
    const pad = "  ".repeat(depth);
    if (!token.startsWith("<")) {
      const text = token.trim();
      if (text) lines.push(`${pad}${text}`);
    } else if (token.startsWith("</")) {
      depth = Math.max(0, depth - 1);
      lines.push(`${"  ".repeat(depth)}${token}`);
    } else if (
      !OPENING_TAG.test(token) ||
      VOID_HTML.test(token) ||
      /^<(script|style|pre|textarea)\b/i.test(token)
    ) {
      lines.push(`${pad}${token}`);
    } else {
      lines.push(`${pad}${token}`);
      depth += 1;
    }
  }
  const joined: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i] ?? "";
    const [text, close] = [lines[i + 1], lines[i + 2]];
    if (
      text !== undefined &&
      close !== undefined &&
      OPENING_TAG.test(open) &&
      !VOID_HTML.test(open.trim()) &&
      !text.trimStart().startsWith("<") &&
      close.trimStart().startsWith("</") &&
      open.trim().length + text.trim().length + close.trim().length <= 100
    ) {
      joined.push(`${open}${text.trim()}${close.trim()}`);
      i += 2;
    } else {
      joined.push(open);
    }
  }
  return joined.join("\n");
}

/** The response's `Content-Type`, as sent. */
export function contentType(response: Response): string | null {
  const header = response.headers.find((h) => h.name.toLowerCase() === "content-type");
  return header ? header.value : null;
}

/** A media type without its parameters: `image/png; q=1` → `image/png`. */
function essence(mediaType: string): string {
  return (mediaType.split(";")[0] ?? "").trim();
}

/** A data: URL an <img> can load: the image's own type, or a generic one. */
export function imageDataUrl(response: Response): string {
  const type = essence(contentType(response) ?? "image/*");
  return `data:${type};base64,${response.body}`;
}

/** Bytes for people: B, KB, MB. */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}

/** A file name to suggest when saving the body: the URL's last segment, or one by type. */
export function suggestedFileName(response: Response): string {
  let last = "";
  try {
    last = decodeURIComponent(new URL(response.url).pathname.split("/").pop() ?? "");
  } catch {
    last = "";
  }
  if (/^[\w.-]+\.\w+$/.test(last)) return last;
  const extension: Record<BodyKind, string> = {
    json: "json",
    xml: "xml",
    html: "html",
    image: essence(contentType(response) ?? "image/png").split("/")[1] ?? "png",
    text: "txt",
    binary: "bin",
  };
  return `response.${extension[response.kind]}`;
}
