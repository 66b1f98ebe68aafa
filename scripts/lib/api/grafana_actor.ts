/**
 * Who asked, when a request came through Grafana's plugin proxy.
 *
 * Grafana's proxy always sets `X-Grafana-Context` to the signed-in user as JSON (Go field names:
 * `Login`, `OrgRole`, `IsAnonymous`, …), overwriting whatever the browser sent, and sets
 * `X-Grafana-User` only with `[dataproxy] send_user_header = true`. The token in the request proves it
 * came through that proxy, so both are trusted only together with a valid token.
 */

const MAX_LOGIN_LENGTH = 128;

/** The journal actor: `grafana:<login>` from X-Grafana-Context, else from X-Grafana-User, else `api`. */
export function grafanaActor(headers: Headers): string {
  const login = loginFromContext(headers.get("x-grafana-context")) ??
    usable(headers.get("x-grafana-user"));
  return login ? `grafana:${login}` : "api";
}

function loginFromContext(header: string | null): string | undefined {
  if (!header) return undefined;
  let context: unknown;
  try {
    context = JSON.parse(header);
  } catch {
    return undefined;
  }
  if (typeof context !== "object" || context === null) return undefined;
  const { Login, IsAnonymous } = context as { Login?: unknown; IsAnonymous?: unknown };
  if (IsAnonymous === true) return "anonymous";
  return typeof Login === "string" ? usable(Login) : undefined;
}

function usable(login: string | null): string | undefined {
  const trimmed = login?.trim();
  if (!trimmed || trimmed.length > MAX_LOGIN_LENGTH || /[\p{C}]/u.test(trimmed)) return undefined;
  return trimmed;
}
