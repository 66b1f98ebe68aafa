/** What the app's configuration page saves in `jsonData`. */
export interface AppJsonData {
  /** The control API's address as Grafana's server reaches it, such as http://127.0.0.1:8787. */
  apiUrl?: string;
  /** The name of that daemon's machine: its Prometheus `host` label (default `local`). */
  hostName?: string;
  /** Further daemons, in host slots 1–8: each one's name and address. */
  [slot: `host${number}Name`]: string | undefined;
  [slot: `host${number}Url`]: string | undefined;
}

/** What it saves in `secureJsonData` (write-only: Grafana never sends it back). */
export interface AppSecureJsonData {
  token?: string;
  /** The token of the daemon in host slot N. */
  [slot: `host${number}Token`]: string | undefined;
}

/** Which containers the panel shows. */
export type ContainerScope = 'all' | 'label' | 'pattern';

/** The control panel's options. */
export interface StackPanelOptions {
  scope: ContainerScope;
  /** `key` or `key=value`, for scope `label`. */
  label: string;
  /** A name pattern with `*` and `?`, for scope `pattern`. */
  pattern: string;
  refreshSeconds: number;
  showJournal: boolean;
  journalLimit: number;
}
