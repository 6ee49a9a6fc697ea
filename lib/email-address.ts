/**
 * The one way an email address is normalized everywhere (forms, actions, API, seed, database):
 * trimmed, Unicode NFKC, lower-case, domain in IDNA ASCII form. Returns null when it is not a
 * plausible address.
 */
export function normalizeEmail(raw: string): string | null {
  const value = raw.normalize('NFKC').trim().toLowerCase();
  if (value.length > 254) return null;
  const at = value.lastIndexOf('@');
  if (at <= 0 || at !== value.indexOf('@')) return null;
  const local = value.slice(0, at);
  const domain = toAsciiDomain(value.slice(at + 1));
  if (!domain || local.length > 64) return null;
  if (!/^[a-z0-9.!#$%&'*+/=?^_`{|}~-]+$/.test(local) || local.startsWith('.') || local.endsWith('.') || local.includes('..')) {
    return null;
  }
  if (!/^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$/.test(domain)) return null;
  return `${local}@${domain}`;
}

/** IDNA ASCII form through the WHATWG URL parser, which browsers and Node share. */
function toAsciiDomain(domain: string): string | null {
  if (!domain || /[\s/?#@:\\[\]%]/.test(domain)) return null;
  try {
    return new URL(`http://${domain}/`).hostname;
  } catch {
    return null;
  }
}

export function emailDomain(normalizedEmail: string): string {
  return normalizedEmail.slice(normalizedEmail.lastIndexOf('@') + 1);
}

/** External = the address's domain (or a parent of it) is not one of the organization's verified domains. */
export function isExternalDomain(domain: string, verifiedDomains: readonly string[]): boolean {
  return !verifiedDomains.some((verified) => domain === verified || domain.endsWith(`.${verified}`));
}
