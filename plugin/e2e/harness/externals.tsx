/**
 * The Grafana stand-in's front end: registers the real @grafana/*, React and the other packages
 * Grafana shares with plugins as AMD modules, then loads the plugin's built module.js through the
 * AMD loader, as Grafana does, and renders its panel, app page or config page.
 */
import React from 'react';
import * as ReactDOM from 'react-dom';
import { createRoot } from 'react-dom/client';
import * as emotionCss from '@emotion/css';
import * as emotionReact from '@emotion/react';
import * as grafanaData from '@grafana/data';
import * as grafanaRuntime from '@grafana/runtime';
import * as grafanaSchema from '@grafana/schema';
import * as grafanaUi from '@grafana/ui';
import lodash from 'lodash';
import * as rxjs from 'rxjs';
import * as rxjsOperators from 'rxjs/operators';
import { createFetchBackendSrv } from '../../src/test/fetchBackendSrv';

type AmdDefine = (name: string, deps: string[], factory: () => unknown) => void;
type AmdRequire = (deps: string[], onLoad: (...modules: unknown[]) => void, onError: (error: Error) => void) => void;
declare const define: AmdDefine;
declare const requirejs: AmdRequire & { config(options: unknown): void };

const SHARED: Record<string, unknown> = {
  react: React,
  'react-dom': ReactDOM,
  '@emotion/css': emotionCss,
  '@emotion/react': emotionReact,
  '@grafana/data': grafanaData,
  '@grafana/runtime': grafanaRuntime,
  '@grafana/schema': grafanaSchema,
  '@grafana/ui': grafanaUi,
  lodash,
  rxjs,
  'rxjs/operators': rxjsOperators,
};
for (const [name, value] of Object.entries(SHARED)) {
  define(name, [], () => value);
}

const PLUGIN_BASE = '/public/plugins/breakwater-control-app';

function load(module: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => requirejs([`${PLUGIN_BASE}/${module}.js`], (loaded) => resolve(loaded as Record<string, unknown>), reject));
}

/** Renders what the page's query asks for: ?view=panel|app|config&role=Viewer|Editor|Admin&user=name. */
async function boot() {
  const query = new URLSearchParams(location.search);
  const role = (query.get('role') ?? 'Viewer') as grafanaData.OrgRole;
  const login = query.get('user') ?? role.toLowerCase();
  document.cookie = `harness_role=${role}; path=/`;
  document.cookie = `harness_user=${login}; path=/`;
  grafanaRuntime.config.bootData.user = { ...grafanaRuntime.config.bootData.user, orgRole: role, login, isGrafanaAdmin: false };
  grafanaRuntime.setBackendSrv(createFetchBackendSrv(`${location.origin}/`));
  const theme = grafanaData.createTheme({ colors: { mode: 'dark' } });
  const root = createRoot(document.getElementById('root')!);
  const view = query.get('view') ?? 'panel';
  let content: React.ReactNode;
  if (view === 'panel') {
    const { plugin } = (await load('panel/module')) as { plugin: grafanaData.PanelPlugin };
    const Panel = plugin.panel as unknown as React.ComponentType<Record<string, unknown>>;
    const options = { scope: 'all', label: '', pattern: query.get('pattern') ?? '*', refreshSeconds: 2, showJournal: true, journalLimit: 10 };
    const width = Number(query.get('width') ?? 1200);
    content = <Panel id={1} options={{ ...options, scope: query.get('pattern') ? 'pattern' : 'all' }} width={width} height={900} title="breakwater" />;
  } else {
    const { plugin } = (await load('module')) as { plugin: grafanaData.AppPlugin };
    const meta = (await (await fetch('/api/plugins/breakwater-control-app/settings')).json()) as grafanaData.AppPluginMeta;
    plugin.meta = meta;
    if (view === 'config') {
      const Config = plugin.configPages![0].body;
      content = <Config plugin={plugin} query={{}} />;
    } else {
      const Root = plugin.root!;
      content = <Root meta={meta} basename="/a/breakwater-control-app" query={{}} path="/a/breakwater-control-app" onNavChanged={() => {}} />;
    }
  }
  root.render(
    <grafanaUi.ThemeContext.Provider value={theme}>
      <grafanaUi.GlobalStyles />
      <div style={{ padding: 16, background: theme.colors.background.primary, minHeight: '100vh' }}>{content}</div>
    </grafanaUi.ThemeContext.Provider>
  );
}

boot().catch((error) => {
  document.body.setAttribute('data-harness-error', String(error?.stack ?? error));
});
