// A response's headers in the order received, and the cookies it set with their
// attributes as sent.
import type { Cookie } from "../../bindings/Cookie";
import type { Header } from "../../bindings/Header";

export function ResponseHeaders({ headers }: { headers: Header[] }) {
  return (
    <details>
      <summary>Headers ({headers.length})</summary>
      <table className="work-table" aria-label="Response headers">
        <tbody>
          {headers.map((header, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: headers repeat; order is the identity
            <tr key={index}>
              <th scope="row">{header.name}</th>
              <td>{header.value}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </details>
  );
}

function attributes(cookie: Cookie): string {
  return [
    cookie.domain && `Domain=${cookie.domain}`,
    cookie.path && `Path=${cookie.path}`,
    cookie.expires && `Expires=${cookie.expires}`,
    cookie.max_age !== null && `Max-Age=${cookie.max_age}`,
    cookie.secure && "Secure",
    cookie.http_only && "HttpOnly",
    cookie.same_site && `SameSite=${cookie.same_site}`,
  ]
    .filter(Boolean)
    .join("; ");
}

export function ResponseCookies({ cookies }: { cookies: Cookie[] }) {
  return (
    <details>
      <summary>Cookies ({cookies.length})</summary>
      {cookies.length === 0 ? (
        <p className="work-empty">The response set no cookies.</p>
      ) : (
        <table className="work-table" aria-label="Response cookies">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Value</th>
              <th scope="col">Attributes</th>
            </tr>
          </thead>
          <tbody>
            {cookies.map((cookie, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a name may repeat with another path
              <tr key={index}>
                <th scope="row">{cookie.name}</th>
                <td>{cookie.value}</td>
                <td>{attributes(cookie)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </details>
  );
}
