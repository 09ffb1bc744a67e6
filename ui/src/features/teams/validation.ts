// Checks made before asking the server, for obvious mistakes only (the server decides):
// a team URL's shape, and the addresses typed into the invite form.

/** The server's limits for a team URL (`/t/{slug}`). */
export const SLUG_MIN = 3;
export const SLUG_MAX = 40;
/** At most this many addresses per invite. */
export const INVITE_MAX = 50;

/** Why `slug` cannot be a team URL, in the server's words, or undefined when it can. */
export function slugProblem(slug: string): string | undefined {
  if (slug.length < SLUG_MIN || slug.length > SLUG_MAX)
    return `Use ${SLUG_MIN} to ${SLUG_MAX} characters.`;
  if (!/^[a-z0-9-]+$/.test(slug)) return "Use lowercase letters, digits and hyphens only.";
  if (slug.startsWith("-") || slug.endsWith("-") || slug.includes("--"))
    return "Put single hyphens between letters or digits.";
  return undefined;
}

/** The addresses typed, split on commas, semicolons, spaces and new lines. */
export function splitAddresses(text: string): string[] {
  return text.split(/[\s,;]+/).filter((part) => part !== "");
}

const looksLikeAnAddress = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Why the addresses typed cannot be sent as they are, or undefined. */
export function addressesProblem(addresses: string[]): string | undefined {
  if (addresses.length === 0) return "Enter at least one email address.";
  if (addresses.length > INVITE_MAX) return `Invite at most ${INVITE_MAX} addresses at once.`;
  const wrong = addresses.find((address) => !looksLikeAnAddress.test(address));
  return wrong === undefined ? undefined : `“${wrong}” is not an email address.`;
}
