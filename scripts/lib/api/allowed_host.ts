/** An authority (`host[:port]`) split and normalised. */
export interface Authority {
  /** Lower case; IPv4 in dotted decimal, IPv6 in brackets, as the WHATWG URL parser writes them. */
  hostname: string;
  port: number | null;
}

/**
 * A host name's characters (RFC 3986 §3.2.2 reg-name without sub-delims, which no DNS name has:
 * `a,b` is two hosts joined by a proxy), or a bracketed IPv6 literal; then an optional port.
 */
const AUTHORITY = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._~%-]+)(?::(\d{0,5}))?$/;

/**
 * Parses a `Host` value or a listen address (RFC 9110 §7.2, RFC 3986 §3.2): one host and at most
 * one port from 0 to 65535; `null` for anything else (spaces, two hosts, a path, user info).
 */
export function parseAuthority(text: string): Authority | null {
  const match = AUTHORITY.exec(text.trim());
  if (!match) return null;
  const port = match[2] ? Number(match[2]) : null;
  if (port !== null && port > 65535) return null;
  let hostname: string;
  try {
    hostname = new URL(`http://${match[1]}`).hostname;
  } catch {
    return null;
  }
  return { hostname: hostname.replace(/\.$/, ""), port };
}

/**
 * Whether an address only accepts connections from this machine: `localhost`, an IPv4 address in
 * 127.0.0.0/8 or `::1` — as addresses, never by prefix (`127.example.com` is a name like any).
 */
export function isLoopback(host: string): boolean {
  const bare = host.trim().replace(/^\[(.*)\]$/, "$1");
  const authority = parseAuthority(bare.includes(":") ? `[${bare}]` : bare);
  if (!authority) return false;
  const name = authority.hostname;
  return name === "localhost" || name === "[::1]" || /^127\.\d+\.\d+\.\d+$/.test(name);
}

/**
 * Whether a request's authority names this server: an IP address (a client that names an address
 * reached that address, and DNS rebinding needs a name), `localhost`, or one of `names` (the listen
 * address and `api.allowedHosts`), any port. A web page that rebinds its own domain to this
 * machine's address still sends its domain, and is refused.
 */
export function allowedHost(authority: string, names: readonly string[]): boolean {
  const parsed = parseAuthority(authority);
  if (!parsed) return false;
  if (isLoopback(parsed.hostname) || isIpAddress(parsed.hostname)) return true;
  return names.some((allowed) => {
    if (isWildcard(allowed)) return false;
    const wanted = parseAuthority(
      allowed.includes(":") && !allowed.startsWith("[") ? `[${allowed}]` : allowed,
    );
    return wanted !== null && wanted.hostname === parsed.hostname;
  });
}

/**
 * A normalised hostname that is an IPv4 or a bracketed IPv6 address, not a name — and not the
 * unspecified address, which names no machine.
 */
function isIpAddress(hostname: string): boolean {
  if (isWildcard(hostname)) return false;
  return /^\d+\.\d+\.\d+\.\d+$/.test(hostname) || hostname.startsWith("[");
}

function isWildcard(address: string): boolean {
  return ["0.0.0.0", "::", "[::]"].includes(address.trim());
}
