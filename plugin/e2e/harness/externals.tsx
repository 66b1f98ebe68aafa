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

type Toast = { id: number; severity: 'success' | 'warning' | 'error'; title: string; text?: string };

/**
 * Grafana's toasts, as its AppNotificationList shows them
 * (public/app/core/components/AppNotifications/AppNotificationList.tsx): it listens on the app
 * events `alert-success`, `alert-warning` and `alert-error` with the payload `[title, text?]`
 * (@grafana/data's `AlertPayload`) and shows each as an Alert that goes after its timeout
 * (AppNotificationTimeout in public/app/types/appNotifications.ts: 3, 5 and 7 seconds).
 */
function Toasts({ events }: { events: grafanaData.EventBusSrv }) {
  const [toasts, setToasts] = React.useState<Toast[]>([]);
  React.useEffect(() => {
    let next = 0;
    const timeouts = { success: 3_000, warning: 5_000, error: 7_000 };
    const show = (severity: Toast['severity']) => (payload?: grafanaData.AlertErrorPayload) => {
      const text = payload?.[1];
      const toast = { id: next++, severity, title: payload?.[0] ?? '', text: text instanceof Error ? text.message : text };
      setToasts((shown) => [...shown, toast]);
      setTimeout(() => setToasts((shown) => shown.filter((each) => each.id !== toast.id)), timeouts[severity]);
    };
    events.on<grafanaData.AlertErrorPayload>(grafanaData.AppEvents.alertSuccess.name, show('success'));
    events.on<grafanaData.AlertErrorPayload>(grafanaData.AppEvents.alertWarning.name, show('warning'));
    events.on<grafanaData.AlertErrorPayload>(grafanaData.AppEvents.alertError.name, show('error'));
    return () => events.removeAllListeners();
  }, [events]);
  return (
    <div data-testid="grafana-toasts" style={{ position: 'fixed', top: 16, right: 16, width: 400, zIndex: 1000 }}>
      {toasts.map((toast) => (
        <grafanaUi.Alert key={toast.id} severity={toast.severity} title={toast.title}>
          {toast.text}
        </grafanaUi.Alert>
      ))}
    </div>
  );
}

function load(module: string): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => requirejs([`${PLUGIN_BASE}/${module}.js`], (loaded) => resolve(loaded as Record<string, unknown>), reject));
}

/**
 * A dashboard around the panel, with its refresh button. As in Grafana, a refresh evaluates the
 * relative time range (last 6 hours) anew and hands the panel the new range
 * (public/app/features/dashboard-scene: SceneTimeRange.onRefresh sets a new evaluated value).
 */
function Dashboard({ children }: { children: (timeRange: grafanaData.TimeRange) => React.ReactNode }) {
  const evaluate = () => {
    const to = grafanaData.dateTime();
    return grafanaData.makeTimeRange(grafanaData.dateTime(to).subtract(6, 'h'), to);
  };
  const [timeRange, setTimeRange] = React.useState(evaluate);
  return (
    <>
      <grafanaUi.RefreshPicker onRefresh={() => setTimeRange(evaluate())} onIntervalChanged={() => {}} value="" noIntervalPicker />
      {children(timeRange)}
    </>
  );
}

/**
 * Renders what the page's query asks for:
 * ?view=panel|app|config&role=Viewer|Editor|Admin&user=name&width=px&refresh=seconds.
 */
async function boot() {
  const query = new URLSearchParams(location.search);
  const role = (query.get('role') ?? 'Viewer') as grafanaData.OrgRole;
  const login = query.get('user') ?? role.toLowerCase();
  document.cookie = `harness_role=${role}; path=/`;
  document.cookie = `harness_user=${login}; path=/`;
  grafanaRuntime.config.bootData.user = { ...grafanaRuntime.config.bootData.user, orgRole: role, login, isGrafanaAdmin: false };
  grafanaRuntime.setBackendSrv(createFetchBackendSrv(`${location.origin}/`));
  const appEvents = new grafanaData.EventBusSrv();
  grafanaRuntime.setAppEvents(appEvents);
  const theme = grafanaData.createTheme({ colors: { mode: 'dark' } });
  const root = createRoot(document.getElementById('root')!);
  const view = query.get('view') ?? 'panel';
  let content: React.ReactNode;
  if (view === 'panel') {
    const { plugin } = (await load('panel/module')) as { plugin: grafanaData.PanelPlugin };
    const Panel = plugin.panel as unknown as React.ComponentType<Record<string, unknown>>;
    const options = { scope: 'all', label: '', pattern: query.get('pattern') ?? '*', refreshSeconds: 2, showJournal: true, journalLimit: 10 };
    const width = Number(query.get('width') ?? 1200);
    const panelOptions = { ...options, scope: query.get('pattern') ? 'pattern' : 'all', refreshSeconds: Number(query.get('refresh') ?? 2) };
    content = <Dashboard>{(timeRange) => <Panel id={1} options={panelOptions} width={width} height={900} title="breakwater" timeRange={timeRange} data={{ state: 'Done', series: [], timeRange }} />}</Dashboard>;
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
      <Toasts events={appEvents} />
    </grafanaUi.ThemeContext.Provider>
  );
}

boot().catch((error) => {
  document.body.setAttribute('data-harness-error', String(error?.stack ?? error));
});
