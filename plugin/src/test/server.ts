import { setupServer } from 'msw/node';
import { OrgRole } from '@grafana/data';
import { config, setBackendSrv } from '@grafana/runtime';
import { createFetchBackendSrv } from './fetchBackendSrv';

/** The HTTP server stand-in tests register handlers on; every call goes over real fetch. */
export const server = setupServer();

/** Where the plugin proxy routes live, as the browser sees them. */
export const PROXY = 'http://localhost/api/plugin-proxy/breakwater-control-app';

/** Starts MSW around each test file and wires Grafana's backend service to fetch. */
export function setupMswServer(): void {
  beforeAll(() => {
    setBackendSrv(createFetchBackendSrv('http://localhost/'));
    server.listen({ onUnhandledRequest: 'error' });
  });
  afterEach(() => server.resetHandlers());
  afterAll(() => server.close());
}

/** Signs the test in with a Grafana org role. */
export function signInAs(orgRole: OrgRole): void {
  config.bootData.user = { ...config.bootData.user, orgRole, isGrafanaAdmin: false, login: orgRole.toLowerCase() };
}
