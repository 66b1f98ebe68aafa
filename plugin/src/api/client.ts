import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { MAX_HOST_SLOTS, PROXY_BASE } from '../constants';
import type { ActionResult, ContainerAction, JournalEntry, Status, WatchdogResult } from './types';

/** Options for {@link BreakwaterClient.journal}. */
export interface JournalQuery {
  limit?: number;
  since?: string;
}

/**
 * The control API through Grafana's plugin proxy: Grafana adds the token and checks the role, so
 * the browser never holds the token and never calls the API itself.
 */
export class BreakwaterClient {
  readonly #base: string;

  /**
   * The daemon in host slot `slot`: 0 is the app's own (`apiUrl` and `token`), 1–8 the others
   * (`host<N>Url` and `host<N>Token`), each through routes of its own in plugin.json.
   */
  constructor(readonly slot = 0) {
    if (!Number.isInteger(slot) || slot < 0 || slot > MAX_HOST_SLOTS) {
      throw new Error(`no host slot ${slot}: slots are 0 to ${MAX_HOST_SLOTS}`);
    }
    this.#base = slot === 0 ? PROXY_BASE : `${PROXY_BASE}/hosts/${slot}`;
  }

  status(): Promise<Status> {
    return this.#request<Status>('GET', 'status');
  }

  async journal(query: JournalQuery = {}): Promise<JournalEntry[]> {
    const params = new URLSearchParams();
    if (query.limit) {
      params.set('limit', String(query.limit));
    }
    if (query.since) {
      params.set('since', query.since);
    }
    const suffix = params.size > 0 ? `?${params}` : '';
    return (await this.#request<{ entries: JournalEntry[] }>('GET', `journal${suffix}`)).entries;
  }

  act(container: string, action: ContainerAction, reason?: string): Promise<ActionResult> {
    return this.#request<ActionResult>(
      'POST',
      `containers/${encodeURIComponent(container)}/${action}`,
      reason ? { reason } : undefined
    );
  }

  setWatchdog(action: 'arm' | 'disarm'): Promise<WatchdogResult> {
    return this.#request<WatchdogResult>('POST', `watchdog/${action}`);
  }

  async #request<T>(method: 'GET' | 'POST', path: string, data?: unknown): Promise<T> {
    const response = await lastValueFrom(
      getBackendSrv().fetch<T>({ method, url: `${this.#base}/${path}`, data, showErrorAlert: false })
    );
    return response.data;
  }
}
