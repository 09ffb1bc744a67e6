// Which body views a response gets and what each shows: Pretty first for JSON/XML/HTML
// (JSON re-indented, markup indented), Preview first for images (an <img> from a data:
// URL of the body), Raw only for text and binary; plus sizes, file names, Beautify.
import { render, screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { describe, expect, it } from "vitest";

import type { BodyKind } from "../../../src/bindings/BodyKind";
import type { Response } from "../../../src/bindings/Response";
import { beautifyJson } from "../../../src/features/work/beautify";
import { ResponseBody } from "../../../src/features/work/ResponseBody";
import {
  formatSize,
  imageDataUrl,
  indentMarkup,
  prettyText,
  suggestedFileName,
  viewsFor,
} from "../../../src/features/work/responseView";

function response(kind: BodyKind, body: string, contentType: string, url = "http://x/"): Response {
  return {
    status: 200,
    reason: "OK",
    http_version: "HTTP/1.1",
    url,
    headers: [{ name: "Content-Type", value: contentType }],
    cookies: [],
    body: btoa(body),
    truncated: false,
    body_size: body.length,
    headers_size: 40,
    headers_ms: 1,
    total_ms: 2,
    kind,
  };
}

describe("response views", () => {
  it("offers the views that suit each kind, the right one first", () => {
    expect(viewsFor("json")).toEqual(["pretty", "raw"]);
    expect(viewsFor("xml")).toEqual(["pretty", "raw"]);
    expect(viewsFor("html")).toEqual(["pretty", "raw"]);
    expect(viewsFor("image")).toEqual(["preview", "raw"]);
    expect(viewsFor("text")).toEqual(["raw"]);
    expect(viewsFor("binary")).toEqual(["raw"]);
  });

  it("re-indents JSON and leaves what does not parse as it came", () => {
    expect(prettyText('{"ok":true,"n":[1]}', "json")).toBe(
      '{\n  "ok": true,\n  "n": [\n    1\n  ]\n}',
    );
    expect(prettyText("not json", "json")).toBe("not json");
    expect(prettyText("plain {", "text")).toBe("plain {");
  });

  it("indents markup, keeping short text elements on one line and scripts as they are", () => {
    expect(indentMarkup('<?xml version="1.0"?><a><b>text</b><c/><d><e>x</e></d></a>')).toBe(
      [
        '<?xml version="1.0"?>',
        "<a>",
        "  <b>text</b>",
        "  <c/>",
        "  <d>",
        "    <e>x</e>",
        "  </d>",
        "</a>",
      ].join("\n"),
    );
    expect(
      indentMarkup("<html><head><meta charset=utf-8><script>if (a<b) go();</script></head></html>"),
    ).toBe(
      [
        "<html>",
        "  <head>",
        "    <meta charset=utf-8>",
        "    <script>if (a<b) go();</script>",
        "  </head>",
        "</html>",
      ].join("\n"),
    );
  });

  it("previews an image from a data: URL of its own type", () => {
    const png = response("image", "\x89PNG\r\n", "image/png; q=1");
    expect(imageDataUrl(png)).toBe(`data:image/png;base64,${png.body}`);
  });

  it("sizes and file names read well", () => {
    expect(formatSize(512)).toBe("512 B");
    expect(formatSize(2048)).toBe("2.0 KB");
    expect(formatSize(3 * 1024 * 1024)).toBe("3.0 MB");
    expect(
      suggestedFileName(response("json", "{}", "application/json", "http://x/a/data.json")),
    ).toBe("data.json");
    expect(suggestedFileName(response("json", "{}", "application/json", "http://x/items"))).toBe(
      "response.json",
    );
    expect(suggestedFileName(response("image", "", "image/png", "http://x/"))).toBe("response.png");
  });

  it("Beautify indents JSON and says why when it is not JSON", () => {
    expect(beautifyJson('{"a":1}')).toEqual({ text: '{\n  "a": 1\n}' });
    expect(beautifyJson("{oops")).toHaveProperty("error");
  });
});

describe("ResponseBody", () => {
  it("opens JSON pretty and switches to raw", async () => {
    const user = userEvent.setup();
    render(<ResponseBody response={response("json", '{"ok":true}', "application/json")} />);
    const body = document.querySelector(".work-response-body");
    expect(body?.getAttribute("data-view")).toBe("pretty");
    expect(body?.textContent).toBe('{\n  "ok": true\n}');
    await user.click(screen.getByRole("tab", { name: "Raw" }));
    expect(document.querySelector(".work-response-body")?.textContent).toBe('{"ok":true}');
  });

  it("opens an image as a preview", () => {
    render(<ResponseBody response={response("image", "\x89PNG", "image/png")} />);
    const image = screen.getByRole("img", { name: "The response body" });
    expect(image.getAttribute("src")).toMatch(/^data:image\/png;base64,/);
    expect(screen.getByRole("tab", { name: "Preview" }).getAttribute("aria-selected")).toBe("true");
  });

  it("an image's raw view gives its size rather than its bytes as text", async () => {
    const user = userEvent.setup();
    render(<ResponseBody response={response("image", "\x89PNG", "image/png")} />);
    await user.click(screen.getByRole("tab", { name: "Raw" }));
    expect(screen.getByText(/4 B of image data/)).toBeTruthy();
    expect(document.querySelector(".work-response-body")).toBeNull();
  });

  it("shows text raw with no view tabs", () => {
    render(<ResponseBody response={response("text", "hello", "text/plain")} />);
    expect(screen.queryByRole("tablist")).toBeNull();
    expect(document.querySelector(".work-response-body")?.textContent).toBe("hello");
  });
});
