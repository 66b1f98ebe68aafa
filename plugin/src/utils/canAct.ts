import { config } from '@grafana/runtime';

/** Whether the signed-in user may act: Editor or Admin in the org, or a Grafana server admin. */
export function canAct(): boolean {
  const user = config.bootData?.user;
  return Boolean(user && (user.isGrafanaAdmin || user.orgRole === 'Editor' || user.orgRole === 'Admin'));
}

/** Whether the signed-in user may change the app's settings: an org Admin or a Grafana server admin. */
export function isAdmin(): boolean {
  const user = config.bootData?.user;
  return Boolean(user && (user.isGrafanaAdmin || user.orgRole === 'Admin'));
}
