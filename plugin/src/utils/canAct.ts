import { config } from '@grafana/runtime';

/** Whether the signed-in user may act: Editor or Admin in the org, or a Grafana server admin. */
export function canAct(): boolean {
  const user = config.bootData?.user;
  return Boolean(user && (user.isGrafanaAdmin || user.orgRole === 'Editor' || user.orgRole === 'Admin'));
}
