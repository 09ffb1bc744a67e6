// An independent OpenID Provider (npm `oidc-provider`, OpenID Certified) on loopback,
// for Courier's interop tests: the client must work against a provider it was not
// written with. Started by `courier_tests::oidc_provider::OidcProvider`.
//
// Usage: node server.mjs PORT [--strict-offline-access]
//
// - Issuer http://127.0.0.1:PORT (the caller picks a free port first, since the issuer
//   must name it). Prints "listening on http://127.0.0.1:PORT" once it accepts.
// - One public native client, `courier-desktop`: no secret, PKCE S256 required,
//   redirect http://127.0.0.1/callback (loopback: any port matches, RFC 8252 §7.3).
// - devInteractions: the provider's own login page (any login, any password; the login
//   becomes the subject) and consent page.
// - Refresh tokens: oidc-provider drops `offline_access` unless the request carries
//   `prompt=consent`. By default this server issues refresh tokens to clients allowed
//   the refresh_token grant anyway (`issueRefreshToken`); `--strict-offline-access`
//   restores the library's rule, for tests of a client that must cope without one.
// - Exits when its stdin closes, so a test process that dies cannot leave it behind.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import Provider from 'oidc-provider';

const args = process.argv.slice(2);
const port = Number(args.find((arg) => !arg.startsWith('--')));
if (!Number.isInteger(port) || port <= 0 || port > 65535) {
  console.error('usage: node server.mjs PORT [--strict-offline-access]');
  process.exit(2);
}
const strictOfflineAccess = args.includes('--strict-offline-access');
const issuer = `http://127.0.0.1:${port}`;

// Fresh signing keys per run: RS256 is every client's default for ID tokens, ES256 is
// there for clients that prefer it.
const signingKey = (type, options) => ({
  ...generateKeyPairSync(type, options).privateKey.export({ format: 'jwk' }),
  use: 'sig',
});
const jwks = {
  keys: [
    { ...signingKey('rsa', { modulusLength: 2048 }), alg: 'RS256' },
    { ...signingKey('ec', { namedCurve: 'P-256' }), alg: 'ES256' },
  ],
};

// Any login is an account. A login that looks like an address is its email; others get
// one at example.test.
function claimsFor(login) {
  const email = login.includes('@') ? login : `${login}@example.test`;
  return {
    sub: login,
    email,
    email_verified: true,
    name: login,
    preferred_username: login.split('@')[0],
  };
}

const configuration = {
  clients: [
    {
      client_id: 'courier-desktop',
      client_name: 'Courier Desktop',
      application_type: 'native',
      token_endpoint_auth_method: 'none',
      redirect_uris: ['http://127.0.0.1/callback'],
      response_types: ['code'],
      grant_types: ['authorization_code', 'refresh_token'],
    },
  ],
  jwks,
  cookies: { keys: [randomBytes(32).toString('base64url')] },
  scopes: ['openid', 'offline_access'],
  claims: {
    openid: ['sub'],
    email: ['email', 'email_verified'],
    profile: ['name', 'preferred_username'],
  },
  findAccount: async (_ctx, sub) => ({
    accountId: sub,
    claims: async () => claimsFor(sub),
  }),
  pkce: { required: () => true },
  features: {
    devInteractions: { enabled: true },
    revocation: { enabled: true },
  },
  ...(strictOfflineAccess
    ? {}
    : {
        issueRefreshToken: async (_ctx, client) => client.grantTypeAllowed('refresh_token'),
      }),
};

const provider = new Provider(issuer, configuration);
provider.on('server_error', (_ctx, error) => console.error('server_error', error));

const server = provider.listen(port, '127.0.0.1', () => {
  console.log(`listening on ${issuer}`);
});
server.on('error', (error) => {
  console.error(`cannot listen on ${issuer}: ${error.message}`);
  process.exit(1);
});

process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
process.on('SIGTERM', () => process.exit(0));
