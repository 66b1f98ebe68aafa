import { useEffect, useMemo, useState } from 'react';
import { getBackendSrv } from '@grafana/runtime';
import { lastValueFrom } from 'rxjs';
import { describeError } from '../api/describeError';
import { PLUGIN_ID } from '../constants';
import type { AppJsonData } from '../types';
import { type BreakwaterHost, configuredHosts } from './hosts';

/**
 * The daemons the app is configured with: from `jsonData` when the caller has it (the app page),
 * else read from the app's settings (the dashboard panel). Until then (`ready` is false), or when
 * the settings cannot be read (`error` says why), the app's own daemon.
 */
export function useHosts(jsonData?: AppJsonData): { hosts: BreakwaterHost[]; ready: boolean; error?: string } {
  const [settings, setSettings] = useState<AppJsonData>();
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (jsonData) {
      return;
    }
    let live = true;
    lastValueFrom(
      getBackendSrv().fetch<{ jsonData?: AppJsonData }>({ url: `api/plugins/${PLUGIN_ID}/settings`, showErrorAlert: false })
    ).then(
      (answer) => live && setSettings(answer.data.jsonData ?? {}),
      (caught) => live && setError(describeError(caught))
    );
    return () => {
      live = false;
    };
  }, [jsonData]);
  const hosts = useMemo(() => configuredHosts(jsonData ?? settings), [jsonData, settings]);
  return { hosts, ready: jsonData !== undefined || settings !== undefined || error !== undefined, error };
}
