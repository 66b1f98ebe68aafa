import React, { useState } from 'react';
import { lastValueFrom } from 'rxjs';
import type { AppPluginMeta, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv } from '@grafana/runtime';
import { Alert, Button, ConfirmModal, Field, FieldSet, Input, SecretInput, Stack } from '@grafana/ui';
import { BreakwaterClient } from '../../api/client';
import { describeError } from '../../api/describeError';
import { MAX_HOST_SLOTS, PLUGIN_ID } from '../../constants';
import type { AppJsonData } from '../../types';
import { DEFAULT_HOST_NAME, hostKeys } from '../../utils/hosts';

export type AppConfigProps = PluginConfigPageProps<AppPluginMeta<AppJsonData>>;

type Message = { severity: 'success' | 'error'; text: string } | null;

/** One daemon as the page edits it; its token is sent only when typed, and never shown again. */
interface HostDraft {
  slot: number;
  name: string;
  apiUrl: string;
  token: string;
  tokenConfigured: boolean;
}

function draftsOf(meta: PluginMeta<AppJsonData>): HostDraft[] {
  const jsonData = (meta.jsonData ?? {}) as Record<string, string | undefined>;
  const drafts: HostDraft[] = [];
  for (let slot = 0; slot <= MAX_HOST_SLOTS; slot++) {
    const keys = hostKeys(slot);
    if (slot > 0 && !jsonData[keys.url]) {
      continue;
    }
    drafts.push({
      slot,
      name: jsonData[keys.name] ?? (slot === 0 ? DEFAULT_HOST_NAME : ''),
      apiUrl: jsonData[keys.url] ?? 'http://127.0.0.1:8787',
      token: '',
      tokenConfigured: Boolean(meta.secureJsonFields?.[keys.token]),
    });
  }
  return drafts;
}

/**
 * The app's configuration: this machine's daemon and up to eight more, each with a name (its
 * Prometheus `host` label), the control API's URL (jsonData) and token (secureJsonData, sent only
 * when changed), and a connection test through that host's own proxy routes.
 */
export function AppConfig({ plugin }: AppConfigProps) {
  const meta = plugin.meta as PluginMeta<AppJsonData>;
  const [hosts, setHosts] = useState(() => draftsOf(meta));
  const [removed, setRemoved] = useState<number[]>([]);
  // What the last save stored: the next save starts from it, not from the settings as loaded.
  const [stored, setStored] = useState(() => ({ ...(meta.jsonData as Record<string, string | undefined>) }));
  const [message, setMessage] = useState<Message>(null);
  // Each host's test result, shown beside that host.
  const [results, setResults] = useState<Record<number, Message>>({});
  const [removing, setRemoving] = useState<HostDraft | null>(null);
  const [busy, setBusy] = useState(false);

  const update = (slot: number, change: Partial<HostDraft>) =>
    setHosts((current) => current.map((host) => (host.slot === slot ? { ...host, ...change } : host)));

  const freeSlot = () => {
    for (let slot = 1; slot <= MAX_HOST_SLOTS; slot++) {
      if (!hosts.some((host) => host.slot === slot)) {
        return slot;
      }
    }
    return undefined;
  };

  const save = async () => {
    setBusy(true);
    try {
      // Every host key comes from what the page shows; the other keys stay as stored.
      const jsonData: Record<string, string | undefined> = { ...stored };
      for (let slot = 0; slot <= MAX_HOST_SLOTS; slot++) {
        const keys = hostKeys(slot);
        delete jsonData[keys.name];
        delete jsonData[keys.url];
      }
      const secureJsonData: Record<string, string> = {};
      for (const slot of removed) {
        secureJsonData[hostKeys(slot).token] = '';
      }
      for (const host of hosts) {
        const keys = hostKeys(host.slot);
        jsonData[keys.name] = host.name.trim() || undefined;
        jsonData[keys.url] = host.apiUrl.trim().replace(/\/+$/, '');
        if (host.token) {
          secureJsonData[keys.token] = host.token;
        }
      }
      await lastValueFrom(
        getBackendSrv().fetch({
          url: `api/plugins/${PLUGIN_ID}/settings`,
          method: 'POST',
          showErrorAlert: false,
          data: {
            enabled: true,
            pinned: true,
            jsonData,
            ...(Object.keys(secureJsonData).length > 0 ? { secureJsonData } : {}),
          },
        })
      );
      setHosts((current) => current.map((host) => (host.token ? { ...host, token: '', tokenConfigured: true } : host)));
      setRemoved([]);
      setStored(jsonData);
      setMessage({ severity: 'success', text: 'Saved.' });
    } catch (caught) {
      setMessage({ severity: 'error', text: `Could not save: ${describeError(caught)}` });
    } finally {
      setBusy(false);
    }
  };

  /** Whether the page shows something for this host that is not saved yet. */
  const unsaved = (host: HostDraft) => {
    const keys = hostKeys(host.slot);
    return (
      Boolean(host.token) ||
      (stored[keys.url] ?? '') !== host.apiUrl.trim().replace(/\/+$/, '') ||
      (stored[keys.name] ?? (host.slot === 0 ? DEFAULT_HOST_NAME : '')) !== host.name.trim()
    );
  };

  // The test goes through Grafana's proxy, which uses the saved settings: it says so rather than
  // test something other than what is on the page.
  const test = async (host: HostDraft) => {
    const show = (result: Message) => setResults((current) => ({ ...current, [host.slot]: result }));
    const who = host.slot === 0 ? '' : `${host.name || `Host ${host.slot}`}: `;
    if (unsaved(host)) {
      show({ severity: 'error', text: `${who}Save first: the test goes through Grafana's proxy, which uses the saved URL and token.` });
      return;
    }
    setBusy(true);
    try {
      const status = await new BreakwaterClient(host.slot).status();
      show({
        severity: 'success',
        text: `${who}Connected: ${status.containers.length} containers, Docker engine ${status.engine.reachable ? 'reachable' : 'NOT reachable'}, GPU watchdog ${status.watchdog.state}.`,
      });
    } catch (caught) {
      show({ severity: 'error', text: `${who}${describeError(caught)}` });
    } finally {
      setBusy(false);
    }
  };

  const anyUrlMissing = hosts.some((host) => !host.apiUrl.trim());
  const next = freeSlot();
  return (
    <Stack direction="column" gap={2}>
      {hosts.map((host) => (
        <HostFields
          key={host.slot}
          host={host}
          busy={busy}
          result={results[host.slot] ?? null}
          onChange={(change) => update(host.slot, change)}
          onTest={() => test(host)}
          onRemove={() => setRemoving(host)}
        />
      ))}
      <Stack gap={1}>
        <Button onClick={save} disabled={busy || anyUrlMissing}>
          Save settings
        </Button>
        {next !== undefined && (
          <Button
            variant="secondary"
            icon="plus"
            onClick={() =>
              setHosts((current) => [...current, { slot: next, name: '', apiUrl: '', token: '', tokenConfigured: false }])
            }
          >
            Add a host
          </Button>
        )}
      </Stack>
      {message && (
        <Alert severity={message.severity} title={message.severity === 'success' ? 'OK' : 'Problem'} onRemove={() => setMessage(null)}>
          {message.text}
        </Alert>
      )}
      <ConfirmModal
        isOpen={removing !== null}
        title={`Remove host ${removing?.slot ?? ''}${removing?.name ? ` (${removing.name})` : ''}?`}
        body="Its URL, name and token are deleted when you save the settings; its dashboards keep their data."
        confirmText="Remove"
        onConfirm={() => {
          const slot = removing?.slot;
          setRemoving(null);
          if (slot !== undefined) {
            setHosts((current) => current.filter((each) => each.slot !== slot));
            setRemoved((current) => [...current, slot]);
          }
        }}
        onDismiss={() => setRemoving(null)}
      />
    </Stack>
  );
}

interface HostFieldsProps {
  host: HostDraft;
  busy: boolean;
  result: Message;
  onChange: (change: Partial<HostDraft>) => void;
  onTest: () => void;
  onRemove: () => void;
}

/** One daemon's fields. This machine's keep the names the page always had; others say their slot. */
function HostFields({ host, busy, result, onChange, onTest, onRemove }: HostFieldsProps) {
  const own = host.slot === 0;
  const label = (text: string) => (own ? text : `Host ${host.slot} ${text === 'API URL' ? text : text.toLowerCase()}`);
  const id = (field: string) => `breakwater-${field}${own ? '' : `-${host.slot}`}`;
  return (
    <FieldSet label={own ? 'Control API' : `Host ${host.slot}${host.name ? `: ${host.name}` : ''}`}>
      <Field label={label('Name')} htmlFor={id('name')} description="The machine's name: its host label in Prometheus and on the dashboards">
        <Input id={id('name')} width={30} value={host.name} onChange={(event) => onChange({ name: event.currentTarget.value })} />
      </Field>
      <Field
        label={label('API URL')}
        htmlFor={id('api-url')}
        description="Where Grafana's server reaches that machine's breakwater (deno task watch), such as http://host.docker.internal:8787"
      >
        <Input
          id={id('api-url')}
          width={60}
          value={host.apiUrl}
          onChange={(event) => onChange({ apiUrl: event.currentTarget.value })}
          placeholder="http://127.0.0.1:8787"
        />
      </Field>
      <Field
        label={label('Token')}
        htmlFor={id('token')}
        description="The bearer token that breakwater printed at start, or its BREAKWATER_TOKEN. Stored encrypted; never sent to browsers or to another host."
      >
        <SecretInput
          id={id('token')}
          width={60}
          isConfigured={host.tokenConfigured}
          value={host.token}
          onChange={(event) => onChange({ token: event.currentTarget.value })}
          onReset={() => onChange({ token: '', tokenConfigured: false })}
        />
      </Field>
      <Stack direction="column" gap={1}>
        <Stack gap={1} justifyContent="space-between">
          <Button variant="secondary" onClick={onTest} disabled={busy} tooltip="Tests the saved settings, through Grafana's proxy">
            {own ? 'Test connection' : `Test host ${host.slot}`}
          </Button>
          {!own && (
            <Button variant="destructive" fill="text" icon="trash-alt" onClick={onRemove} disabled={busy}>
              {`Remove host ${host.slot}`}
            </Button>
          )}
        </Stack>
        {result && (
          <Alert severity={result.severity} title={result.severity === 'success' ? 'Connected' : 'Test failed'}>
            {result.text}
          </Alert>
        )}
      </Stack>
    </FieldSet>
  );
}
