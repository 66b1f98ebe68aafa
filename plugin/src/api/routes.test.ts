import { http, HttpResponse } from 'msw';
import {
  hasAccess,
  matchRoute,
  type OrgRole,
  type PluginRoute,
  proxyPathOf,
  type SignedInUser,
  upstreamHeaders,
  upstreamUrl,
} from '../../e2e/harness/grafanaProxy';
import { MAX_HOST_SLOTS } from '../constants';
import pluginJson from '../plugin.json';
import { PROXY, server, setupMswServer } from '../test/server';
import { BreakwaterClient } from './client';

setupMswServer();

const as = (OrgRole: OrgRole): SignedInUser => ({
  UserID: 1,
  OrgID: 1,
  OrgName: 'Main Org.',
  OrgRole,
  Login: OrgRole.toLowerCase(),
  Name: OrgRole,
  Email: '',
  IsGrafanaAdmin: false,
  IsAnonymous: false,
  IsServiceAccount: false,
});

/** Every call the client makes, as the browser sends it to Grafana. */
async function callsOf(
  run: (client: BreakwaterClient) => Promise<unknown>,
  slot = 0
): Promise<Array<{ method: string; url: URL }>> {
  const seen: Array<{ method: string; url: URL }> = [];
  server.use(
    http.all(`${PROXY}/*`, ({ request }) => {
      seen.push({ method: request.method, url: new URL(request.url) });
      return HttpResponse.json({ entries: [], entry: {}, armed: true });
    })
  );
  await run(new BreakwaterClient(slot));
  return seen;
}

const data = { JsonData: { apiUrl: 'http://daemon:8787' }, SecureJsonData: { token: 't' } };

const cases: Array<[string, (client: BreakwaterClient) => Promise<unknown>, OrgRole, string]> = [
    ['status', (c) => c.status(), 'Viewer', 'http://daemon:8787/api/v1/status'],
    ['journal', (c) => c.journal({ limit: 50, since: '2026-11-30T00:00:00Z' }), 'Viewer', 'http://daemon:8787/api/v1/journal?limit=50&since=2026-11-30T00%3A00%3A00Z'],
    ['restart', (c) => c.act('web.1', 'restart', 'stuck'), 'Editor', 'http://daemon:8787/api/v1/containers/web.1/restart'],
    ['pause', (c) => c.act('web', 'pause'), 'Editor', 'http://daemon:8787/api/v1/containers/web/pause'],
    ['unpause', (c) => c.act('web', 'unpause'), 'Editor', 'http://daemon:8787/api/v1/containers/web/unpause'],
    ['stop', (c) => c.act('web', 'stop'), 'Editor', 'http://daemon:8787/api/v1/containers/web/stop'],
    ['start', (c) => c.act('web', 'start'), 'Editor', 'http://daemon:8787/api/v1/containers/web/start'],
    ['arm', (c) => c.setWatchdog('arm'), 'Editor', 'http://daemon:8787/api/v1/watchdog/arm'],
    ['disarm', (c) => c.setWatchdog('disarm'), 'Editor', 'http://daemon:8787/api/v1/watchdog/disarm'],
  ];

describe("every client call matches a plugin.json route under Grafana's rules", () => {

  it.each(cases)('%s reaches the daemon at the right path, for the least role that may', async (_name, run, role, expected) => {
    const [call] = await callsOf(run);
    const match = matchRoute(pluginJson.routes, call.method, proxyPathOf(call.url.pathname, pluginJson.id));
    expect(match).toBeDefined();
    expect(hasAccess(as(role), match!.route)).toBe(true);
    expect(upstreamUrl(match!, data, call.url.search)?.href).toBe(expected);
    if (role === 'Editor') {
      expect(hasAccess(as('Viewer'), match!.route)).toBe(false);
    }
  });

  it('the health route is served too, and nothing else is', () => {
    expect(matchRoute(pluginJson.routes, 'GET', '/healthz')).toBeDefined();
    expect(matchRoute(pluginJson.routes, 'GET', '/containers/web/restart')).toBeUndefined();
    expect(matchRoute(pluginJson.routes, 'POST', '/status')).toBeUndefined();
    expect(matchRoute(pluginJson.routes, 'GET', '/openapi.json')).toBeUndefined();
  });
});

describe('host slots: each has routes of its own, to its own daemon with its own token', () => {
  const routes = pluginJson.routes as PluginRoute[];
  const twoHosts = {
    JsonData: { apiUrl: 'http://alpha:8787', host3Url: 'http://beta:8787' },
    SecureJsonData: { token: 'alpha-token', host3Token: 'beta-token' },
  };

  it.each(cases)('%s in slot 3 reaches host 3 only, with its token', async (_name, run, role, expected) => {
    const [call] = await callsOf(run, 3);
    expect(call.url.pathname).toContain(`/api/plugin-proxy/${pluginJson.id}/hosts/3/`);
    const match = matchRoute(routes, call.method, proxyPathOf(call.url.pathname, pluginJson.id));
    expect(match).toBeDefined();
    expect(hasAccess(as(role), match!.route)).toBe(true);
    if (role === 'Editor') {
      expect(hasAccess(as('Viewer'), match!.route)).toBe(false);
    }
    expect(upstreamUrl(match!, twoHosts, call.url.search)?.href).toBe(expected.replace('daemon', 'beta'));
    const headers = upstreamHeaders({}, as(role), match!.route, twoHosts, { sendUserHeader: false });
    expect(headers.authorization).toBe('Bearer beta-token');
  });

  it('every slot 1–8 mirrors the app own routes: methods, roles and API paths', () => {
    const own = routes.filter((route) => !route.path.startsWith('hosts/'));
    expect(own).toHaveLength(5);
    for (let slot = 1; slot <= MAX_HOST_SLOTS; slot++) {
      const mine = routes.filter((route) => route.path.startsWith(`hosts/${slot}/`));
      expect(mine).toEqual(
        own.map((route) => ({
          ...route,
          path: `hosts/${slot}/${route.path}`,
          url: route.url.replace('.JsonData.apiUrl', `.JsonData.host${slot}Url`),
          headers: route.headers?.map((header) => ({
            ...header,
            content: header.content.replace('.SecureJsonData.token', `.SecureJsonData.host${slot}Token`),
          })),
        }))
      );
    }
    expect(routes).toHaveLength(5 * (MAX_HOST_SLOTS + 1));
  });

  it('a slot without an address reaches nothing, and no slot 9 exists', async () => {
    const [call] = await callsOf((c) => c.status(), 4);
    const match = matchRoute(routes, 'GET', proxyPathOf(call.url.pathname, pluginJson.id));
    expect(upstreamUrl(match!, twoHosts, '')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/hosts/9/status')).toBeUndefined();
    expect(matchRoute(routes, 'GET', '/hosts/1')).toBeUndefined();
    expect(() => new BreakwaterClient(9)).toThrow('no host slot 9');
  });
});
