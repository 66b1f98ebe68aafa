import { MAX_HOST_SLOTS } from '../constants';
import type { AppJsonData } from '../types';

/** A breakwater daemon the app can reach: its proxy host slot and its machine's name. */
export interface BreakwaterHost {
  slot: number;
  name: string;
}

/** The default name of the app's own daemon, as the stack's Prometheus labels it. */
export const DEFAULT_HOST_NAME = 'local';

/** The daemons configured in the app: its own (slot 0), then every slot 1–8 with an address. */
export function configuredHosts(jsonData: AppJsonData | undefined): BreakwaterHost[] {
  const hosts: BreakwaterHost[] = [{ slot: 0, name: jsonData?.hostName || DEFAULT_HOST_NAME }];
  for (let slot = 1; slot <= MAX_HOST_SLOTS; slot++) {
    if (jsonData?.[`host${slot}Url`]) {
      hosts.push({ slot, name: jsonData[`host${slot}Name`] || `host ${slot}` });
    }
  }
  return hosts;
}
