import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import {
  downstreamHeaders,
  hasAccess,
  matchRoute,
  type OrgRole,
  type PluginRoute,
  proxyPathOf,
  REFUSALS,
  type SignedInUser,
  upstreamHeaders,
  upstreamUrl,
} from './grafanaProxy';

/** What Grafana stores for the app: jsonData in the clear, secureJsonData encrypted and write-only. */
export interface AppSettings {
  jsonData: Record<string, unknown>;
  secureJsonData: Record<string, string>;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.html': 'text/html',
  '.map': 'application/json',
};

/**
 * A stand-in for the Grafana server, for what the plugin touches: it serves the page and the
 * built plugin, keeps the app's settings, and proxies `/api/plugin-proxy/<id>/…` by Grafana's rules
 * (see grafanaProxy.ts). The signed-in role and login come from the harness page's cookies; without
 * them the request is not signed in. `sendUserHeader` is Grafana's `[dataproxy] send_user_header`
 * (off by default, as in Grafana).
 */
export async function startGrafanaStandIn(options: {
  pluginDir: string;
  settings: AppSettings;
  sendUserHeader?: boolean;
}): Promise<{ url: string; settings: AppSettings; close(): Promise<void> }> {
  const dist = path.join(options.pluginDir, 'dist');
  const harness = path.join(options.pluginDir, 'e2e', 'harness');
  const manifest = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8')) as { id: string; routes: PluginRoute[] };
  const settings = options.settings;

  const server = http.createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const session = sessionOf(request.headers.cookie ?? '');
    const send = (status: number, body: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    try {
      if (url.pathname === '/' || url.pathname === '/harness/') {
        return serveFile(response, path.join(harness, 'index.html'));
      }
      if (url.pathname === '/harness/require.js') {
        return serveFile(response, require.resolve('requirejs/require.js'));
      }
      if (url.pathname.startsWith('/harness/')) {
        return serveFile(response, path.join(harness, 'dist', url.pathname.slice('/harness/'.length)));
      }
      // Grafana serves its icons under public/build/img/icons/ (where @grafana/ui's getIconRoot
      // looks, packages/grafana-ui/src/components/Icon/utils.ts); they ship in @grafana/ui.
      if (url.pathname.startsWith('/public/build/img/icons/')) {
        const icons = path.join(path.dirname(require.resolve('@grafana/ui/package.json')), 'dist/public/img/icons');
        const icon = path.resolve(icons, url.pathname.slice('/public/build/img/icons/'.length));
        return serveFile(response, icon.startsWith(`${icons}${path.sep}`) ? icon : icons);
      }
      if (url.pathname.startsWith(`/public/plugins/${manifest.id}/`)) {
        return serveFile(response, path.join(dist, url.pathname.slice(`/public/plugins/${manifest.id}/`.length)));
      }
      if (url.pathname === `/api/plugins/${manifest.id}/settings`) {
        if (request.method === 'GET') {
          return send(200, {
            id: manifest.id,
            type: 'app',
            name: 'breakwater',
            enabled: true,
            jsonData: settings.jsonData,
            secureJsonFields: Object.fromEntries(Object.keys(settings.secureJsonData).map((key) => [key, true])),
          });
        }
        if (session?.OrgRole !== 'Admin') {
          return send(403, { message: 'Permission denied' });
        }
        const body = JSON.parse((await readBody(request)).toString() || '{}');
        settings.jsonData = body.jsonData ?? settings.jsonData;
        Object.assign(settings.secureJsonData, body.secureJsonData ?? {});
        return send(200, { message: 'Plugin settings updated' });
      }
      if (url.pathname.startsWith('/api/plugin-proxy/')) {
        return await proxy(request, response, url, session);
      }
      send(404, { message: 'Not found' });
    } catch (error) {
      send(500, { message: String(error) });
    }
  });

  async function proxy(request: http.IncomingMessage, response: http.ServerResponse, url: URL, user: SignedInUser | undefined) {
    const refuse = (refusal: { status: number; body: { message: string } }) => {
      response.writeHead(refusal.status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(refusal.body));
    };
    if (!user) {
      return refuse(REFUSALS.notSignedIn);
    }
    const pluginId = /^\/api\/plugin-proxy\/([\w-]+)/.exec(url.pathname)?.[1];
    if (pluginId !== manifest.id) {
      return refuse(REFUSALS.noPlugin);
    }
    const match = matchRoute(manifest.routes, request.method ?? 'GET', proxyPathOf(url.pathname, manifest.id));
    if (!match) {
      return refuse(REFUSALS.noRoute);
    }
    if (!hasAccess(user, match.route)) {
      return refuse(REFUSALS.denied);
    }
    const data = { JsonData: settings.jsonData, SecureJsonData: settings.secureJsonData };
    const target = upstreamUrl(match, data, url.search);
    if (!target) {
      return refuse(REFUSALS.badGateway);
    }
    const headers = upstreamHeaders(request.headers, user, match.route, data, { sendUserHeader: options.sendUserHeader ?? false });
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readBody(request);
    let upstream: Response;
    try {
      upstream = await fetch(target, { method: request.method, headers, body: body ? new Uint8Array(body) : undefined, redirect: 'manual' });
    } catch {
      return refuse(REFUSALS.badGateway);
    }
    response.writeHead(upstream.status, downstreamHeaders(upstream.headers));
    response.end(Buffer.from(await upstream.arrayBuffer()));
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const ROLES: OrgRole[] = ['None', 'Viewer', 'Editor', 'Admin'];

/** The signed-in user, as Grafana's session would give it; undefined when not signed in. */
function sessionOf(cookie: string): SignedInUser | undefined {
  const values = Object.fromEntries(cookie.split(';').map((part) => part.trim().split('=')).filter((pair) => pair.length === 2));
  const role = values.harness_role as OrgRole | undefined;
  if (!role || !ROLES.includes(role)) {
    return undefined;
  }
  const login = decodeURIComponent(values.harness_user ?? '');
  return {
    UserID: 1,
    OrgID: 1,
    OrgName: 'Main Org.',
    OrgRole: role,
    Login: login,
    Name: login,
    Email: `${login}@example.org`,
    IsGrafanaAdmin: false,
    IsAnonymous: false,
    IsServiceAccount: false,
  };
}

function readBody(request: http.IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function serveFile(response: http.ServerResponse, file: string): void {
  if (!existsSync(file) || !statSync(file).isFile()) {
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ message: `no file ${path.basename(file)}` }));
    return;
  }
  response.writeHead(200, { 'content-type': TYPES[path.extname(file)] ?? 'application/octet-stream' });
  createReadStream(file).pipe(response);
}
