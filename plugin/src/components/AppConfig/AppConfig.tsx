import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { BreakwaterClient } from '../../api/client';
import { describeError } from '../../api/describeError';
import { PLUGIN_ID } from '../../constants';
import type { AppJsonData } from '../../types';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

/**
 * The app's configuration: the control API's URL (jsonData) and its token (secureJsonData, sent
 * only when changed and never shown again), and a connection test through the plugin proxy.
 */
export function AppConfig({ plugin }: AppConfigProps) {
  const meta = plugin.meta as PluginMeta<AppJsonData>;
  const [apiUrl, setApiUrl] = useState(meta.jsonData?.apiUrl ?? 'http://127.0.0.1:8787');
  const [token, setToken] = useState('');
  const [tokenConfigured, setTokenConfigured] = useState(Boolean(meta.secureJsonFields?.token));
  const [message, setMessage] = useState<{ severity: 'success' | 'error'; text: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const save = async () => {
    setBusy(true);
    try {
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `api/plugins/${PLUGIN_ID}/settings`,
          method: 'POST',
          showErrorAlert: false,
          data: {
            enabled: true,
            pinned: true,
            jsonData: { ...meta.jsonData, apiUrl: apiUrl.trim().replace(/\/+$/, '') },
            ...(token ? { secureJsonData: { token } } : {}),
          },
        })
      );
      if (token) {
        setTokenConfigured(true);
        setToken('');
      }
      setMessage({ severity: 'success', text: 'Saved.' });
    } catch (caught) {
      setMessage({ severity: 'error', text: `Could not save: ${describeError(caught)}` });
    } finally {
      setBusy(false);
    }
  };

  const test = async () => {
    setBusy(true);
    try {
      const status = await new BreakwaterClient().status();
      setMessage({
        severity: 'success',
        text: `Connected: ${status.containers.length} containers, Docker engine ${status.engine.reachable ? 'reachable' : 'NOT reachable'}, GPU watchdog ${status.watchdog.state}.`,
      });
    } catch (caught) {
      setMessage({ severity: 'error', text: describeError(caught) });
    } finally {
      setBusy(false);
    }
  };

  return (
    <FieldSet label="Control API">
      <Field label="API URL" htmlFor="breakwater-api-url" description="Where Grafana's server reaches `deno task watch`, such as http://host.docker.internal:8787">
        <Input
          id="breakwater-api-url"
          width={60}
          value={apiUrl}
          onChange={(event) => setApiUrl(event.currentTarget.value)}
          placeholder="http://127.0.0.1:8787"
        />
      </Field>
      <Field label="Token" htmlFor="breakwater-token" description="The bearer token breakwater printed at start, or BREAKWATER_TOKEN. Stored encrypted; never sent to browsers.">
        <SecretInput
          id="breakwater-token"
          width={60}
          isConfigured={tokenConfigured}
          value={token}
          onChange={(event) => setToken(event.currentTarget.value)}
          onReset={() => {
            setTokenConfigured(false);
            setToken('');
          }}
        />
      </Field>
      <Stack gap={1}>
        <Button onClick={save} disabled={busy || !apiUrl.trim()}>
          Save settings
        </Button>
        <Button variant="secondary" onClick={test} disabled={busy}>
          Test connection
        </Button>
      </Stack>
      {message && (
        <Alert severity={message.severity} title={message.severity === 'success' ? 'OK' : 'Problem'} onRemove={() => setMessage(null)}>
          {message.text}
        </Alert>
      )}
    </FieldSet>
  );
}
