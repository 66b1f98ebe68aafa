import {
  downstreamHeaders,
  hasAccess,
  interpolate,
  joinUrlFragments,
  matchRoute,
  matchTree,
  type PluginRoute,
  proxyPathOf,
  type SignedInUser,
  upstreamHeaders,
  upstreamUrl,
} from './grafanaProxy';

const user = (overrides: Partial<SignedInUser> = {}): SignedInUser => ({
  UserID: 7,
  OrgID: 1,
  OrgName: 'Main Org.',
  OrgRole: 'Viewer',
  Login: 'alice',
  Name: 'Alice',
  Email: 'alice@example.org',
  IsGrafanaAdmin: false,
  IsAnonymous: false,
  IsServiceAccount: false,
  ...overrides,
});

const route = (path: string, extra: Partial<PluginRoute> = {}): PluginRoute => ({ path, url: 'http://api:8787/base', ...extra });

describe('the proxy path (plugin_proxy.go: path.Join("/", rest))', () => {
  it('drops the prefix and cleans the rest', () => {
    expect(proxyPathOf('/api/plugin-proxy/my-app/status', 'my-app')).toBe('/status');
    expect(proxyPathOf('/api/plugin-proxy/my-app/a//b/../c/', 'my-app')).toBe('/a/c');
    expect(proxyPathOf('/api/plugin-proxy/my-app', 'my-app')).toBe('/');
  });
});

describe('route tree matching (tree.go)', () => {
  it('matches static segments exactly, never by prefix', () => {
    expect(matchTree('containers', '/containers')).toEqual({});
    expect(matchTree('containers', '/containers/web/restart')).toBeUndefined();
    expect(matchTree('containers', '/containersx')).toBeUndefined();
    expect(matchTree('watchdog', '/watchdog/arm')).toBeUndefined();
  });

  it('`:name` takes exactly one segment', () => {
    expect(matchTree('containers/:name', '/containers/web')).toEqual({ ':name': 'web' });
    expect(matchTree('containers/:name', '/containers/web/restart')).toBeUndefined();
    expect(matchTree('containers/:name', '/containers')).toBeUndefined();
  });

  it('`*` at the end takes one or more segments, unescaped', () => {
    expect(matchTree('containers/*', '/containers/web/restart')).toEqual({ '*': 'web/restart' });
    expect(matchTree('containers/*', '/containers/a%20b')).toEqual({ '*': 'a b' });
    expect(matchTree('containers/*', '/containers')).toBeUndefined();
    expect(matchTree('containers/*', '/other/web')).toBeUndefined();
  });

  it('ignores leading and trailing slashes of the pattern', () => {
    expect(matchTree('/status/', '/status')).toEqual({});
  });

  it('a segment that does not unescape matches nothing', () => {
    expect(matchTree('containers/:name', '/containers/%ZZ')).toBeUndefined();
    expect(matchTree('containers/*', '/containers/%ZZ/restart')).toBeUndefined();
  });

  it('refuses the pattern kinds it does not model instead of guessing', () => {
    expect(() => matchTree('items/:id([0-9]+)', '/items/1')).toThrow(/does not model/);
    expect(() => matchTree('*/tail', '/a/tail')).toThrow(/does not model/);
    expect(() => matchTree('files/*.*', '/files/a.txt')).toThrow(/does not model/);
  });
});

describe('route choice (pluginproxy.go HandleRequest)', () => {
  const routes = [
    route('status', { method: 'GET' }),
    route('containers/*', { method: 'POST', reqRole: 'Editor', url: 'http://api/c' }),
    route('containers/*', { method: '*', url: 'http://api/any' }),
    route('open'),
  ];

  it('needs the method to equal the route\'s unless it is empty or *', () => {
    expect(matchRoute(routes, 'GET', '/status')?.route).toBe(routes[0]);
    expect(matchRoute(routes, 'POST', '/status')).toBeUndefined();
    expect(matchRoute(routes, 'DELETE', '/open')?.route).toBe(routes[3]);
    expect(matchRoute(routes, 'DELETE', '/containers/web/restart')?.route).toBe(routes[2]);
  });

  it('takes the first route that matches, in plugin.json order', () => {
    expect(matchRoute(routes, 'POST', '/containers/web/restart')).toEqual({ route: routes[1], rest: 'web/restart' });
  });

  it('keeps only the `*` part of the path, and drops the path without `*`', () => {
    expect(matchRoute(routes, 'GET', '/status')?.rest).toBe('');
  });
});

describe('access (hasAccessToRoute, SignedInUser.HasRole)', () => {
  it('orders the roles Viewer < Editor < Admin', () => {
    const editorRoute = route('x', { reqRole: 'Editor' });
    expect(hasAccess(user({ OrgRole: 'Viewer' }), editorRoute)).toBe(false);
    expect(hasAccess(user({ OrgRole: 'Editor' }), editorRoute)).toBe(true);
    expect(hasAccess(user({ OrgRole: 'Admin' }), editorRoute)).toBe(true);
    expect(hasAccess(user({ OrgRole: 'Viewer' }), route('x', { reqRole: 'Admin' }))).toBe(false);
  });

  it('lets a Grafana server admin through whatever the org role', () => {
    expect(hasAccess(user({ OrgRole: 'Viewer', IsGrafanaAdmin: true }), route('x', { reqRole: 'Admin' }))).toBe(true);
  });

  it('requires nothing for a role string Grafana does not know (so "editor" is open to everyone)', () => {
    expect(hasAccess(user({ OrgRole: 'Viewer' }), route('x', { reqRole: 'editor' }))).toBe(true);
    expect(hasAccess(user({ OrgRole: 'None' }), route('x'))).toBe(true);
  });

  it('refuses reqAction routes (RBAC is not modelled)', () => {
    expect(() => hasAccess(user(), route('x', { reqAction: 'breakwater:act' }))).toThrow(/RBAC/);
  });
});

describe('templates (Go text/template, missingkey=default)', () => {
  const data = { JsonData: { apiUrl: 'http://api:8787' }, SecureJsonData: { token: 's3cret' } };

  it('fills in jsonData and secureJsonData', () => {
    expect(interpolate('{{ .JsonData.apiUrl }}/x', data)).toBe('http://api:8787/x');
    expect(interpolate('Bearer {{.SecureJsonData.token}}', data)).toBe('Bearer s3cret');
  });

  it('prints <no value> for a key that is not set', () => {
    expect(interpolate('Bearer {{ .SecureJsonData.missing }}', data)).toBe('Bearer <no value>');
  });

  it('refuses template actions it does not model', () => {
    expect(() => interpolate('{{ if .JsonData.x }}y{{ end }}', data)).toThrow(/not modelled/);
  });
});

describe('the upstream request (director)', () => {
  const data = { JsonData: { apiUrl: 'http://127.0.0.1:8787' }, SecureJsonData: { token: 's3cret' } };
  const withToken = route('containers/*', {
    url: '{{ .JsonData.apiUrl }}/api/v1/containers',
    headers: [{ name: 'Authorization', content: 'Bearer {{ .SecureJsonData.token }}' }],
  });

  it('joins the kept path onto the route URL with one slash and keeps the query', () => {
    expect(joinUrlFragments('/api/v1/containers', 'web/restart')).toBe('/api/v1/containers/web/restart');
    expect(joinUrlFragments('/base/', '/x')).toBe('/base/x');
    expect(joinUrlFragments('/base', '')).toBe('/base');
    const url = upstreamUrl({ route: withToken, rest: 'web/restart' }, data, '?dry=1');
    expect(url?.href).toBe('http://127.0.0.1:8787/api/v1/containers/web/restart?dry=1');
  });

  it('cannot proxy to a URL without an http(s) scheme (an unset apiUrl gives <no value>…)', () => {
    expect(upstreamUrl({ route: withToken, rest: '' }, { JsonData: {}, SecureJsonData: {} }, '')).toBeUndefined();
  });

  it('always sets X-Grafana-Context, strips cookies and the browser\'s X-Grafana-User, sets route headers', () => {
    const headers = upstreamHeaders(
      { cookie: 'grafana_session=abc', 'x-grafana-user': 'mallory', 'x-grafana-context': '{"Login":"mallory"}', authorization: 'Bearer forged', accept: 'application/json' },
      user({ OrgRole: 'Editor' }),
      withToken,
      data,
      { sendUserHeader: false }
    );
    expect(headers.cookie).toBeUndefined();
    expect(headers['x-grafana-user']).toBeUndefined();
    expect(JSON.parse(headers['x-grafana-context'])).toMatchObject({ Login: 'alice', OrgRole: 'Editor', IsAnonymous: false });
    expect(headers.authorization).toBe('Bearer s3cret');
    expect(headers.accept).toBe('application/json');
  });

  it('sets X-Grafana-User only with send_user_header, and never for an anonymous user', () => {
    const on = { sendUserHeader: true };
    expect(upstreamHeaders({}, user(), withToken, data, on)['x-grafana-user']).toBe('alice');
    expect(upstreamHeaders({}, user({ IsAnonymous: true, Login: '' }), withToken, data, on)['x-grafana-user']).toBeUndefined();
  });
});

describe('the answer (proxyutil reverse proxy)', () => {
  it('drops Set-Cookie and hop-by-hop headers and sandboxes the answer', () => {
    const headers = downstreamHeaders(
      new Headers({ 'content-type': 'application/json', 'set-cookie': 'a=b', connection: 'close', 'x-request-id': '7' })
    );
    expect(headers).toEqual({ 'content-security-policy': 'sandbox', 'content-type': 'application/json', 'x-request-id': '7' });
  });
});
