/** What the app's configuration page saves in `jsonData`. */
export interface AppJsonData {
  /** The control API's address as Grafana's server reaches it, such as http://127.0.0.1:8787. */
  apiUrl?: string;
}

/** What it saves in `secureJsonData` (write-only: Grafana never sends it back). */
export interface AppSecureJsonData {
  token?: string;
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
