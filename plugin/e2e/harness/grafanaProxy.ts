/**
 * Grafana's app plugin proxy (`/api/plugin-proxy/<id>/…`), rule by rule, for the stand-in server.
 *
 * Written from Grafana's source (main, 2026; same rules since 9.1):
 * - pkg/api/plugin_proxy.go — the proxy path;
 * - pkg/api/pluginproxy/pluginproxy.go — HandleRequest (route choice, access) and director (URL,
 *   headers);
 * - pkg/web/tree.go — the route tree each route's `path` is matched with;
 * - pkg/util/proxyutil/proxyutil.go — ApplyUserHeader;
 * - pkg/util/util.go — JoinURLFragments;
 * - pkg/services/user/identity.go — SignedInUser, marshalled into X-Grafana-Context;
 * - Go's text/template — how `{{ .JsonData.x }}` is filled in.
 * Nothing here is shared with the plugin: the plugin only builds URLs, this decides what Grafana does
 * with them.
 */

/** A route as plugin.json declares it (the fields the proxy reads). */
export interface PluginRoute {
  path: string;
  method?: string;
  reqRole?: string;
  reqAction?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

/** The signed-in user as Grafana marshals `user.SignedInUser`: Go field names, no JSON tags. */
export interface SignedInUser {
  UserID: number;
  OrgID: number;
  OrgName: string;
  OrgRole: OrgRole;
  Login: string;
  Name: string;
  Email: string;
  IsGrafanaAdmin: boolean;
  IsAnonymous: boolean;
  IsServiceAccount: boolean;
}

export type OrgRole = 'None' | 'Viewer' | 'Editor' | 'Admin';

/** What the proxy answers itself, before any request leaves Grafana. */
export interface ProxyRefusal {
  status: number;
  body: { message: string };
}

/** The route chosen for a request and what is left of the path to append to its URL. */
export interface RouteMatch {
  route: PluginRoute;
  /** `params["*"]` when the route's path ends in `*`; otherwise the path is dropped (""). */
  rest: string;
}

/**
 * plugin_proxy.go: `path.Join("/", <escaped path after /api/plugin-proxy/<id>/>)` — so `.` and `..`
 * are resolved, repeated and trailing slashes go.
 */
export function proxyPathOf(escapedPath: string, pluginId: string): string {
  const prefix = new RegExp(`^/api/plugin-proxy/${pluginId.replace(/[-]/g, '\\-')}/?`);
  return cleanPath(`/${escapedPath.replace(prefix, '')}`);
}

/** Go's path.Clean for a rooted path. */
function cleanPath(rooted: string): string {
  const out: string[] = [];
  for (const segment of rooted.split('/')) {
    if (segment === '' || segment === '.') {
      continue;
    }
    if (segment === '..') {
      out.pop();
    } else {
      out.push(segment);
    }
  }
  return `/${out.join('/')}`;
}

/**
 * pluginproxy.go HandleRequest: routes are tried in plugin.json order; a route is skipped when its
 * method is set, not `*`, and differs from the request's; then its path must match in a route tree
 * of its own; the first that matches wins (its access is checked by the caller, no later route is
 * tried). With `*` in the path only the `*` part is kept; without, the path is dropped.
 */
export function matchRoute(routes: PluginRoute[], method: string, proxyPath: string): RouteMatch | undefined {
  for (const route of routes) {
    if (route.method && route.method !== '*' && route.method !== method) {
      continue;
    }
    const params = matchTree(route.path, proxyPath);
    if (params) {
      return { route, rest: params['*'] ?? '' };
    }
  }
  return undefined;
}

type Params = Record<string, string>;

/**
 * tree.go, for the segment kinds plugin routes use: a static segment equals the (unescaped)
 * request segment; `:name` takes exactly one segment; `*` as the last segment takes one or more
 * segments. Leading and trailing slashes of both pattern and path are ignored. A segment that does
 * not unescape matches nothing. Regexp segments (`:id(...)`, `:int`, `:string`), `*.*` and a `*`
 * before the end exist in Grafana's tree but are refused here, so a route using them fails loudly
 * instead of matching wrongly.
 */
export function matchTree(pattern: string, path: string): Params | undefined {
  const patternSegments = trimSlashes(pattern).split('/');
  patternSegments.forEach((segment, index) => {
    const modelled = /^[^:*()]*$/.test(segment) || /^:[a-zA-Z0-9]+$/.test(segment) || (segment === '*' && index === patternSegments.length - 1);
    if (!modelled || segment === ':int' || segment === ':string') {
      throw new Error(`route path segment "${segment}" is a kind of pattern this stand-in does not model`);
    }
  });
  const pathSegments = trimSlashes(path).split('/');
  const params: Params = {};
  for (let index = 0; index < patternSegments.length; index++) {
    const wanted = patternSegments[index];
    const isLast = index === patternSegments.length - 1;
    if (wanted === '*' && isLast) {
      // A `*` leaf matches the rest when at least one segment is left (tree.go matchLeaf/matchSubtree).
      const rest = pathSegments.slice(index);
      const unescaped = unescape(rest.join('/'));
      if (rest.length === 0 || unescaped === undefined) {
        return undefined;
      }
      params['*'] = unescaped;
      return params;
    }
    const got = pathSegments[index];
    if (got === undefined) {
      return undefined;
    }
    const value = unescape(got);
    if (value === undefined) {
      return undefined;
    }
    if (wanted.startsWith(':')) {
      params[wanted] = value;
    } else if (wanted !== value) {
      return undefined;
    }
  }
  return pathSegments.length === patternSegments.length ? params : undefined;
}

function trimSlashes(text: string): string {
  return text.replace(/^\//, '').replace(/\/$/, '');
}

/** Go's url.PathUnescape: undefined where Go returns an error (a bad `%` escape). */
function unescape(text: string): string | undefined {
  if (/%(?![0-9a-fA-F]{2})/.test(text)) {
    return undefined;
  }
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

const ROLE_ORDER: OrgRole[] = ['None', 'Viewer', 'Editor', 'Admin'];

/**
 * pluginproxy.go hasAccessToRoute: `reqAction` (RBAC) first, else `reqRole` when it is a valid role
 * (an unknown role string, say "editor", requires nothing), else open. SignedInUser.HasRole: a
 * Grafana server admin has every role; otherwise the org role must include the required one.
 * RBAC is not modelled: a route with reqAction is refused by the stand-in at load.
 */
export function hasAccess(user: SignedInUser, route: PluginRoute): boolean {
  if (route.reqAction) {
    throw new Error(`route ${route.path} uses reqAction (RBAC), which this stand-in does not model`);
  }
  const required = route.reqRole as OrgRole | undefined;
  if (!required || !ROLE_ORDER.includes(required)) {
    return true;
  }
  return user.IsGrafanaAdmin || ROLE_ORDER.indexOf(user.OrgRole) >= ROLE_ORDER.indexOf(required);
}

/** The data Grafana's templates see: jsonData in the clear, secureJsonData decrypted. */
export interface TemplateData {
  JsonData: Record<string, unknown>;
  SecureJsonData: Record<string, string>;
}

/**
 * Go text/template with the default `missingkey` option, for the `{{ .JsonData.key }}` and
 * `{{ .SecureJsonData.key }}` actions plugin routes use: a key that is not set prints `<no value>`.
 * Any other action is refused here rather than half-modelled.
 */
export function interpolate(text: string, data: TemplateData): string {
  return text.replace(/\{\{(.*?)\}\}/g, (action: string, body: string) => {
    const field = /^\s*\.(JsonData|SecureJsonData)\.([A-Za-z_][A-Za-z0-9_]*)\s*$/.exec(body);
    if (!field) {
      throw new Error(`template action ${action} is not modelled by this stand-in`);
    }
    const source = field[1] === 'JsonData' ? data.JsonData : data.SecureJsonData;
    return Object.hasOwn(source, field[2]) ? String(source[field[2]]) : '<no value>';
  });
}

/** util.go JoinURLFragments: one slash between the route URL's path and the rest; nothing when empty. */
export function joinUrlFragments(base: string, rest: string): string {
  if (rest === '') {
    return base;
  }
  const baseSlash = base.endsWith('/');
  const restSlash = rest.startsWith('/');
  if (baseSlash && restSlash) {
    return base + rest.slice(1);
  }
  if (!baseSlash && !restSlash) {
    return `${base}/${rest}`;
  }
  return base + rest;
}

/**
 * director: the upstream URL is the route's interpolated URL with the kept path joined on, and the
 * request's query string unchanged. A URL that is not absolute http(s) cannot be proxied (Go's
 * transport: "unsupported protocol scheme"), which Grafana answers 502.
 */
export function upstreamUrl(match: RouteMatch, data: TemplateData, search: string): URL | undefined {
  let target: URL;
  try {
    target = new URL(interpolate(match.route.url, data));
  } catch {
    return undefined;
  }
  if (target.protocol !== 'http:' && target.protocol !== 'https:') {
    return undefined;
  }
  target.pathname = joinUrlFragments(target.pathname, match.rest);
  target.search = search;
  return target;
}

/**
 * director: the browser's headers go on except cookies; `X-Grafana-Context` is always the
 * signed-in user as JSON (replacing anything sent); `X-Grafana-User` is removed and set to the login
 * only with `[dataproxy] send_user_header = true` and a user that is not anonymous; then each route
 * header is set (replacing a browser header of the same name).
 */
export function upstreamHeaders(
  incoming: Record<string, string | string[] | undefined>,
  user: SignedInUser,
  route: PluginRoute,
  data: TemplateData,
  options: { sendUserHeader: boolean }
): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(incoming)) {
    const lower = name.toLowerCase();
    if (value === undefined || HOP_BY_HOP.has(lower) || lower === 'cookie' || lower === 'set-cookie' || lower === 'host') {
      continue;
    }
    headers[lower] = Array.isArray(value) ? value.join(', ') : value;
  }
  headers['x-grafana-context'] = JSON.stringify(user);
  delete headers['x-grafana-user'];
  if (options.sendUserHeader && !user.IsAnonymous) {
    headers['x-grafana-user'] = user.Login;
  }
  for (const header of route.headers ?? []) {
    headers[header.name.toLowerCase()] = interpolate(header.content, data);
  }
  return headers;
}

/**
 * The answer's headers as the browser gets them: proxyutil's reverse proxy removes Set-Cookie and
 * sandboxes the answer (Content-Security-Policy: sandbox); httputil drops the hop-by-hop ones.
 */
export function downstreamHeaders(upstream: Headers): Record<string, string> {
  const headers: Record<string, string> = { 'content-security-policy': 'sandbox' };
  upstream.forEach((value, name) => {
    if (name !== 'set-cookie' && !HOP_BY_HOP.has(name)) {
      headers[name] = value;
    }
  });
  return headers;
}

/** net/http/httputil ReverseProxy drops the hop-by-hop headers (RFC 9110 7.6.1) and sets its own length. */
const HOP_BY_HOP = new Set([
  'connection',
  'proxy-connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
  'content-length',
]);

/** Grafana's JSON errors for the proxy's own answers (pluginproxy.go, plugin_proxy.go). */
export const REFUSALS = {
  noRoute: { status: 404, body: { message: 'plugin route match not found' } },
  denied: { status: 403, body: { message: 'plugin proxy route access denied' } },
  noPlugin: { status: 404, body: { message: 'Plugin not found, no installed plugin with that id' } },
  notSignedIn: { status: 401, body: { message: 'Unauthorized' } },
  badGateway: { status: 502, body: { message: 'Bad Gateway' } },
} satisfies Record<string, ProxyRefusal>;
