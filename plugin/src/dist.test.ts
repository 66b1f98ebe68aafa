import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';

const dist = path.resolve(__dirname, '../dist');
const json = (file: string) => JSON.parse(readFileSync(path.join(dist, file), 'utf8'));

describe('the build (npm run build)', () => {
  it('holds the app and the nested panel, their manifests and logos', () => {
    for (const file of ['plugin.json', 'module.js', 'img/logo.svg', 'panel/plugin.json', 'panel/module.js', 'panel/img/logo.svg']) {
      expect(existsSync(path.join(dist, file)) ? file : `${file} missing: run npm run build`).toBe(file);
    }
    expect(readFileSync(path.join(dist, 'module.js'), 'utf8')).toMatch(/^define\(\["@grafana\/data"|^define\(\[/);
  });

  it('plugin.json: ids, stamped version, the panel included, and role-gated routes', () => {
    const app = json('plugin.json');
    const panel = json('panel/plugin.json');
    expect(app.id).toBe('breakwater-control-app');
    expect(app.type).toBe('app');
    expect(panel.id).toBe('breakwater-stack-panel');
    expect(panel.type).toBe('panel');
    expect(app.info.version).toBe('1.0.0');
    expect(app.includes).toContainEqual(expect.objectContaining({ type: 'panel', path: 'panel/plugin.json' }));
    // The KPI dashboard is provisioned (provisioning/dashboards): the app includes none, so the two never fight over one uid.
    expect(app.includes.filter((include: { type: string }) => include.type === 'dashboard')).toEqual([]);
    expect(existsSync(path.join(dist, 'dashboards'))).toBe(false);
    const own = ['GET status Viewer', 'GET journal Viewer', 'GET healthz Viewer', 'POST containers/* Editor', 'POST watchdog/* Editor'];
    const slots = [1, 2, 3, 4, 5, 6, 7, 8].flatMap((slot) =>
      own.map((route) => route.replace(/^(\w+) /, `$1 hosts/${slot}/`))
    );
    expect(app.routes.map((r: { path: string; method: string; reqRole: string }) => `${r.method} ${r.path} ${r.reqRole}`)).toEqual([
      ...own,
      ...slots,
    ]);
    for (const route of app.routes) {
      const slot = /^hosts\/(\d)\//.exec(route.path)?.[1];
      expect(route.url.startsWith(slot ? `{{ .JsonData.host${slot}Url }}/` : '{{ .JsonData.apiUrl }}/')).toBe(true);
      expect(route.headers).toEqual([
        { name: 'Authorization', content: `Bearer {{ .SecureJsonData.${slot ? `host${slot}Token` : 'token'} }}` },
      ]);
    }
  });
});
