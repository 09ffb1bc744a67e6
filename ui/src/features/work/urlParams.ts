// The URL and the parameters table kept in step, by the same rules as the Rust side
// (crates/workspace/src/url_params.rs): typing in the URL rewrites the table (switched-off
// rows and descriptions kept), editing the table rewrites the URL's query. Text as typed,
// {{variables}} and all: nothing is percent-encoded or decoded.
import type { KeyValue } from "../../bindings/KeyValue";

function splitFragment(url: string): [string, string | null] {
  const at = url.indexOf("#");
  return at < 0 ? [url, null] : [url.slice(0, at), url.slice(at + 1)];
}

/** The query's `key=value` pairs as typed (`a` alone is `a` with an empty value). */
export function queryPairs(url: string): [string, string][] {
  const [withoutFragment] = splitFragment(url);
  const at = withoutFragment.indexOf("?");
  const query = at < 0 ? "" : withoutFragment.slice(at + 1);
  return query
    .split("&")
    .filter((pair) => pair !== "")
    .map((pair) => {
      const eq = pair.indexOf("=");
      return eq < 0 ? [pair, ""] : [pair.slice(0, eq), pair.slice(eq + 1)];
    });
}

/** The table after the URL was edited to `url`. */
export function paramsFromUrl(url: string, previous: KeyValue[]): KeyValue[] {
  const remaining = previous.filter((param) => param.enabled);
  const params: KeyValue[] = queryPairs(url).map(([key, value]) => {
    const at = remaining.findIndex((old) => old.key === key);
    const description = at < 0 ? null : (remaining.splice(at, 1)[0]?.description ?? null);
    return { key, value, enabled: true, description };
  });
  return [...params, ...previous.filter((param) => !param.enabled)];
}

/** The URL after the table was edited: its query replaced by the enabled rows. */
export function urlWithParams(url: string, params: KeyValue[]): string {
  const [withoutFragment, fragment] = splitFragment(url);
  const at = withoutFragment.indexOf("?");
  const base = at < 0 ? withoutFragment : withoutFragment.slice(0, at);
  const query = params
    .filter((param) => param.enabled)
    .map((param) =>
      param.value === "" && param.key !== "" ? param.key : `${param.key}=${param.value}`,
    );
  let rebuilt = base;
  if (query.length > 0) rebuilt += `?${query.join("&")}`;
  if (fragment !== null) rebuilt += `#${fragment}`;
  return rebuilt;
}
