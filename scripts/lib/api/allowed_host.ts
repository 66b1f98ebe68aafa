/** Whether an address only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || host === "[::1]" || /^127\./.test(host);
}

/**
 * Whether a request's `Host` names this server: a loopback name or address, or one of `names`
 * (the listen address and `api.allowedHosts`), any port. A web page that rebinds its own domain
 * to 127.0.0.1 still sends its domain, and is refused.
 */
export function allowedHost(host: string, names: readonly string[]): boolean {
  const match = /^(\[[0-9a-fA-F:.]+\]|[^:\[\]]+)(?::(\d{1,5}))?$/.exec(host.trim());
  if (!match) return false;
  const name = match[1].toLowerCase().replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
  if (isLoopback(name)) return true;
  return names.some((allowed) => {
    const wanted = allowed.toLowerCase().replace(/^\[(.*)\]$/, "$1");
    return wanted !== "0.0.0.0" && wanted !== "::" && wanted === name;
  });
}
