import { MAX_HOST_SLOTS } from '../constants';
import type { AppJsonData } from '../types';

/** A breakwater daemon the app can reach: its proxy host slot and its machine's name. */
export interface BreakwaterHost {
  slot: number;
  name: string;
}

/** The default name of the app's own daemon, as the stack's Prometheus labels it. */
export const DEFAULT_HOST_NAME = 'local';

/** Where a slot's name and URL live in jsonData and its token in secureJsonData. */
export function hostKeys(slot: number): { name: string; url: string; token: string } {
  return slot === 0
    ? { name: 'hostName', url: 'apiUrl', token: 'token' }
    : { name: `host${slot}Name`, url: `host${slot}Url`, token: `host${slot}Token` };
}

/** The daemons configured in the app: its own (slot 0), then every slot 1–8 with an address. */
export function configuredHosts(jsonData: AppJsonData | undefined): BreakwaterHost[] {
  const data = (jsonData ?? {}) as Record<string, string | undefined>;
  const hosts: BreakwaterHost[] = [{ slot: 0, name: data[hostKeys(0).name] || DEFAULT_HOST_NAME }];
  for (let slot = 1; slot <= MAX_HOST_SLOTS; slot++) {
    const keys = hostKeys(slot);
    if (data[keys.url]) {
      hosts.push({ slot, name: data[keys.name] || `host ${slot}` });
    }
  }
  return hosts;
}
