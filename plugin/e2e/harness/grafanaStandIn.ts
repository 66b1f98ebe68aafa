import { createReadStream, existsSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

/** Grafana's org roles, each including the ones before it. */
const ROLES = ['Viewer', 'Editor', 'Admin'];

interface Route {
  path: string;
  method?: string;
  reqRole?: string;
  url: string;
  headers?: Array<{ name: string; content: string }>;
}

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
 * built plugin, keeps the app's settings, and proxies `/api/plugin-proxy/<id>/…` the way Grafana's
 * plugin proxy does — the first route whose path and exact method match wins, its `reqRole` is
 * checked (Viewer ⊂ Editor ⊂ Admin; "plugin proxy route access denied" otherwise), `{{ .JsonData.* }}`
 * and `{{ .SecureJsonData.* }}` are filled in, cookies are stripped and `X-Grafana-User` is set.
 * The signed-in role and login come from the harness page's cookies.
 */
export async function startGrafanaStandIn(options: { pluginDir: string; settings: AppSettings }): Promise<{ url: string; settings: AppSettings; close(): Promise<void> }> {
  const dist = path.join(options.pluginDir, 'dist');
  const harness = path.join(options.pluginDir, 'e2e', 'harness');
  const manifest = JSON.parse(readFileSync(path.join(dist, 'plugin.json'), 'utf8')) as { id: string; routes: Route[] };
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
        if (!hasRole(session.role, 'Admin')) {
          return send(403, { message: 'Permission denied' });
        }
        const body = JSON.parse((await readBody(request)).toString() || '{}');
        settings.jsonData = body.jsonData ?? settings.jsonData;
        Object.assign(settings.secureJsonData, body.secureJsonData ?? {});
        return send(200, { message: 'Plugin settings updated' });
      }
      const proxyPrefix = `/api/plugin-proxy/${manifest.id}/`;
      if (url.pathname.startsWith(proxyPrefix)) {
        const rest = url.pathname.slice(proxyPrefix.length);
        const route = manifest.routes.find(
          (candidate) =>
            (rest === candidate.path || rest.startsWith(`${candidate.path}/`)) &&
            (!candidate.method || candidate.method === '*' || candidate.method === request.method)
        );
        if (!route) {
          return send(404, { message: 'Not found' });
        }
        if (route.reqRole && !hasRole(session.role, route.reqRole)) {
          return send(403, { message: 'plugin proxy route access denied' });
        }
        const target = new URL(template(route.url, settings) + rest.slice(route.path.length) + url.search);
        const headers: Record<string, string> = { 'x-grafana-user': session.user };
        for (const header of route.headers ?? []) {
          headers[header.name.toLowerCase()] = template(header.content, settings);
        }
        if (request.headers['content-type']) {
          headers['content-type'] = String(request.headers['content-type']);
        }
        const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await readBody(request);
        try {
          const upstream = await fetch(target, { method: request.method, headers, body: body ? new Uint8Array(body) : undefined });
          response.writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' });
          response.end(Buffer.from(await upstream.arrayBuffer()));
        } catch {
          send(502, { message: 'Bad Gateway' });
        }
        return;
      }
      send(404, { message: 'Not found' });
    } catch (error) {
      send(500, { message: String(error) });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    settings,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

function hasRole(role: string, required: string): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required) && ROLES.includes(role);
}

function template(text: string, settings: AppSettings): string {
  return text
    .replace(/\{\{\s*\.JsonData\.(\w+)\s*\}\}/g, (_, key: string) => String(settings.jsonData[key] ?? ''))
    .replace(/\{\{\s*\.SecureJsonData\.(\w+)\s*\}\}/g, (_, key: string) => settings.secureJsonData[key] ?? '');
}

function sessionOf(cookie: string): { role: string; user: string } {
  const values = Object.fromEntries(cookie.split(';').map((part) => part.trim().split('=')).filter((pair) => pair.length === 2));
  return { role: values.harness_role ?? 'Viewer', user: values.harness_user ?? 'viewer' };
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
