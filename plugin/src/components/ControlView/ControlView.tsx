import React, { useCallback, useState } from 'react';
import { css } from '@emotion/css';
import { AppEvents, type GrafanaTheme2, type TimeRange } from '@grafana/data';
import { getAppEvents } from '@grafana/runtime';
import { Alert, ConfirmModal, EmptyState, LinkButton, LoadingPlaceholder, Stack, Text, useStyles2 } from '@grafana/ui';
import type { BreakwaterClient } from '../../api/client';
import { describeError, errorTitle, isTokenRefused } from '../../api/describeError';
import { isAdmin } from '../../utils/canAct';
import type { Container, ContainerAction, JournalEntry, Status } from '../../api/types';
import { PLUGIN_ID } from '../../constants';
import type { StackPanelOptions } from '../../types';
import { filterContainers } from '../../utils/filterContainers';
import { summarize } from '../../utils/triage';
import { usePoll } from '../../utils/usePoll';
import { ACTION_LABEL, ContainersTable } from '../ContainersTable/ContainersTable';
import { GpuSummary } from '../GpuSummary/GpuSummary';
import { JournalTable } from '../JournalTable/JournalTable';

interface Props {
  client: BreakwaterClient;
  options: StackPanelOptions;
  canAct: boolean;
  /** The panel's width in pixels, where it is a panel: narrow ones get the compact table. */
  width?: number;
  /** The daemon's host name (its Prometheus `host` label), for links to dashboards. */
  host?: string;
  /** The dashboard's time range, where it is a panel: a new one reads again; the journal covers it. */
  timeRange?: TimeRange;
}

/** Below this width the containers table keeps its essential columns and shows actions as icons. */
const COMPACT_BELOW_PX = 900;

type Pending =
  | { kind: 'container'; container: Container; action: ContainerAction }
  | { kind: 'watchdog'; action: 'arm' | 'disarm' };

const CONSEQUENCE: Record<ContainerAction, string> = {
  restart: 'The engine stops it (waiting its stop timeout) and starts it again.',
  pause: 'Its processes are frozen. Pausing does not free the GPU memory it holds.',
  unpause: 'Its processes run again.',
  stop: 'It stops until someone starts it; the GPU memory it held is freed.',
  start: 'It starts again.',
};

/**
 * breakwater's control view: GPU and watchdog, containers with confirmed actions, and the latest
 * journal entries. Shared by the dashboard panel and the app page; viewers see no action buttons.
 */
export function ControlView({ client, options, canAct, width, host, timeRange }: Props) {
  const styles = useStyles2(getStyles);
  const [pending, setPending] = useState<Pending | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  // The same function at every refresh, so the table keeps its cells (and the focus) in place.
  const askAction = useCallback(
    (container: Container, action: ContainerAction) => setPending({ kind: 'container', container, action }),
    []
  );

  const since = timeRange?.from.toISOString();
  const load = useCallback(
    () =>
      Promise.all([
        client.status(),
        options.showJournal ? client.journal({ limit: options.journalLimit, since }) : Promise.resolve([]),
      ]),
    [client, options.showJournal, options.journalLimit, since]
  );

  const poll = usePoll<[Status, JournalEntry[]]>(load, Math.max(1, options.refreshSeconds) * 1000, timeRange);
  const { refresh } = poll;
  const [status, journal] = poll.data ?? [undefined, []];
  const error =
    poll.error === undefined
      ? undefined
      : { title: errorTitle(poll.error), text: describeError(poll.error), configLink: isTokenRefused(poll.error) && isAdmin() };

  const confirm = async () => {
    const job = pending;
    setPending(null);
    if (!job) {
      return;
    }
    try {
      let done: string;
      if (job.kind === 'container') {
        const { entry } = await client.act(job.container.name, job.action);
        done = `${ACTION_LABEL[job.action]} ${job.container.name}: ${entry.result}${entry.result === 'dry-run' ? ' (breakwater is in dry-run mode)' : ''}`;
      } else {
        await client.setWatchdog(job.action);
        done = `GPU watchdog ${job.action === 'arm' ? 'armed' : 'disarmed'}`;
      }
      setFailure(null);
      // Success is Grafana's toast; a failure stays in the view until dismissed.
      getAppEvents().publish({ type: AppEvents.alertSuccess.name, payload: [done] });
    } catch (caught) {
      setFailure(describeError(caught));
    }
    await refresh(); // a refresh already under way may predate the action
    await refresh();
  };

  if (!status && error) {
    return (
      <Alert severity="error" title={error.title}>
        {error.text}
        {error.configLink && <ConfigLink />}
      </Alert>
    );
  }
  if (!status) {
    return <LoadingPlaceholder text="Loading breakwater status…" />;
  }
  const containers = filterContainers(status.containers, options);
  return (
    <div className={styles.view}>
      {error && (
        <Alert severity="warning" title={`${error.title}: showing the last status, actions wait for fresh data`}>
          {error.text}
          {error.configLink && <ConfigLink />}
        </Alert>
      )}
      {status.watchdog.state === 'tripped' && (
        <Alert severity="warning" title="GPU watchdog tripped">
          {`GPU pressure: breakwater is relieving it${status.watchdog.paused.length + status.watchdog.stopped.length > 0 ? ` and holds ${status.watchdog.paused.length + status.watchdog.stopped.length} container(s)` : ''}.`}
        </Alert>
      )}
      <Text color={containers.some((c) => c.health === 'unhealthy') ? 'error' : 'secondary'}>
        {summarize(containers)}
        {status.containersReadAt && ` · updated ${secondsAgo(status.containersReadAt)} s ago`}
      </Text>
      {failure && (
        <Alert severity="error" title="The action failed" onRemove={() => setFailure(null)}>
          {failure}
        </Alert>
      )}
      {!status.engine.reachable && (
        <Alert severity="error" title="The Docker engine is not answering">
          {status.engine.error ?? status.engine.address}
        </Alert>
      )}
      <GpuSummary
        gpu={status.gpu}
        watchdog={status.watchdog}
        canAct={canAct}
        onWatchdog={(action) => setPending({ kind: 'watchdog', action })}
      />
      {containers.length === 0 ? (
        <EmptyState variant="not-found" hideImage message="No containers match the panel's filter." />
      ) : (
        <ContainersTable
          containers={containers}
          canAct={canAct}
          disabledReason={error ? 'The last refresh failed: actions wait for fresh data' : undefined}
          compact={width !== undefined && width < COMPACT_BELOW_PX}
          host={host}
          onAction={askAction}
        />
      )}
      {options.showJournal && (
        <Stack direction="column" gap={1}>
          <Text element="h4">Journal</Text>
          {journal.length === 0 ? <Text color="secondary">No journal entries yet.</Text> : <JournalTable entries={journal} />}
        </Stack>
      )}
      <ConfirmModal
        isOpen={pending !== null}
        title={pendingTitle(pending)}
        body={pendingBody(pending)}
        confirmText={pending?.kind === 'container' ? ACTION_LABEL[pending.action] : pending?.action === 'arm' ? 'Arm' : 'Disarm'}
        confirmVariant={pending?.kind === 'container' && pending.action === 'stop' ? 'destructive' : 'primary'}
        onConfirm={confirm}
        onDismiss={() => setPending(null)}
      />
    </div>
  );
}

/** Where an Admin fixes the token: the app's configuration page. */
function ConfigLink() {
  return (
    <div>
      <LinkButton href={`/plugins/${PLUGIN_ID}`} variant="secondary" size="sm" icon="cog">
        Open the app&apos;s configuration
      </LinkButton>
    </div>
  );
}

function secondsAgo(time: string): number {
  return Math.max(0, Math.round((Date.now() - Date.parse(time)) / 1000));
}

function pendingTitle(pending: Pending | null): string {
  if (!pending) {
    return '';
  }
  return pending.kind === 'container'
    ? `${ACTION_LABEL[pending.action]} ${pending.container.name}?`
    : `${pending.action === 'arm' ? 'Arm' : 'Disarm'} the GPU watchdog?`;
}

function pendingBody(pending: Pending | null): string {
  if (!pending) {
    return '';
  }
  if (pending.kind === 'container') {
    const held =
      pending.action === 'unpause' && pending.container.pausedByBreakwater
        ? ' The GPU watchdog paused it to relieve GPU pressure: resuming it works against the watchdog, which then lets go of it.'
        : '';
    return `breakwater will ${pending.action} the container ${pending.container.name}. ${CONSEQUENCE[pending.action]}${held} This is recorded in the journal with your name.`;
  }
  return pending.action === 'arm'
    ? 'The watchdog will act on GPU pressure again: unload models, pause noisy containers, stop the biggest VRAM holder.'
    : 'The watchdog will keep reading and journaling, but act on nothing until armed again.';
}

const getStyles = (theme: GrafanaTheme2) => ({
  view: css({
    display: 'flex',
    flexDirection: 'column',
    gap: theme.spacing(2),
    height: '100%',
    overflow: 'auto',
  }),
});
