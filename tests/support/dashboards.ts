/** A dashboard panel, as far as the tests read it. */
export interface Panel {
  id: number;
  type: string;
  title: string;
  datasource?: { type: string; uid: string };
  targets?: { expr: string; datasource?: { uid: string } }[];
  panels?: Panel[];
}

/** Every panel of a dashboard, those inside collapsed rows included. */
export function allPanels(dashboard: { panels: Panel[] }): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * A panel's expression as Grafana sends it: `container` and `host` chosen (every one when left
 * out), every GPU, and fixed intervals.
 */
export function fillVariables(expr: string, chosen: { container?: string; host?: string }): string {
  return expr
    .replaceAll(
      'container="$container"',
      chosen.container ? `container="${chosen.container}"` : 'container=~".+"',
    )
    .replaceAll("$container", ".*")
    .replaceAll("$host", chosen.host ?? ".*")
    .replaceAll("$gpu", ".*")
    .replaceAll("$__rate_interval", "15s")
    .replaceAll("$__range", "5m")
    .replaceAll("$__interval", "5s");
}
