import React, { useMemo } from 'react';
import { css, cx } from '@emotion/css';
import { locationUtil, type IconName } from '@grafana/data';
import { Badge, type BadgeColor, Button, IconButton, InteractiveTable, LinkButton, Stack, Text, useStyles2, type Column } from '@grafana/ui';
import type { Container, ContainerAction, LastAction } from '../../api/types';
import { actionWord, actorWord } from '../../utils/actionWord';
import { formatAgo, formatBytes, formatPercent, formatTime } from '../../utils/format';
import { RESULT_COLOR } from '../JournalTable/JournalTable';
import { problemsFirst } from '../../utils/triage';

interface Props {
  containers: Container[];
  canAct: boolean;
  /** Why the actions are disabled for now (stale data), if they are. */
  disabledReason?: string;
  /** Narrow (a third of a dashboard): the essential columns, and actions as labelled icons. */
  compact?: boolean;
  /** The daemon's host name, for links to each container's dashboard. */
  host?: string;
  onAction: (container: Container, action: ContainerAction) => void;
}

const STATE_COLOR: Record<string, BadgeColor> = { running: 'green', paused: 'orange', exited: 'red', dead: 'red' };
const HEALTH_COLOR: Record<string, BadgeColor> = { healthy: 'green', unhealthy: 'red', starting: 'blue', none: 'darkgrey' };

/** The actions that make sense for a container in its state. */
export function actionsFor(container: Container): ContainerAction[] {
  if (container.state === 'running') {
    return ['restart', 'pause', 'stop'];
  }
  if (container.state === 'paused') {
    return ['unpause'];
  }
  return ['start'];
}

const ACTION_ICON: Record<ContainerAction, IconName> = {
  restart: 'sync',
  pause: 'pause',
  unpause: 'play',
  stop: 'square-shape',
  start: 'play',
};

export const ACTION_LABEL: Record<ContainerAction, string> = {
  restart: 'Restart',
  pause: 'Pause',
  unpause: 'Resume',
  stop: 'Stop',
  start: 'Start',
};

/** The container dashboard (uid breakwater-container) with its host and container chosen. */
export function containerDashboard(container: string, host?: string): string {
  const query = new URLSearchParams({ ...(host ? { 'var-host': host } : {}), 'var-container': container });
  return locationUtil.assureBaseUrl(`/d/breakwater-container?${query}`);
}

/** Why breakwater offers no action on a container, or `null` when it does. */
function noActionReason(container: Container): string | null {
  if (container.pausable) {
    return null;
  }
  return container.gpuOwner ? 'GPU owner: never touched' : 'protected: never touched';
}

/**
 * Containers, problems first, with state and health badges, CPU and memory against limits, VRAM,
 * roles and actions (or why there are none).
 */
export function ContainersTable({ containers, canAct, disabledReason, compact = false, host, onAction }: Props) {
  const styles = useStyles2(getStyles);
  // Made once per change of what the cells show: new cell functions on every refresh would remount
  // every cell, so a button under the pointer or the keyboard focus would be replaced at each poll.
  const columns = useMemo((): Array<Column<Container>> => {
    function actionsCell(container: Container) {
      const reason = noActionReason(container);
      if (reason) {
        return <Text color="secondary">{reason}</Text>;
      }
      // Destructive styling is kept for the confirmation, where the consequence is spelled out.
      if (compact) {
        return (
          <Stack gap={0.5}>
            {actionsFor(container).map((action) => (
              <IconButton
                key={action}
                name={ACTION_ICON[action]}
                // Its tooltip is its accessible name: "Restart ingest", and why it waits if it does.
                tooltip={`${ACTION_LABEL[action]} ${container.name}${disabledReason ? ` (${disabledReason})` : ''}`}
                disabled={disabledReason !== undefined}
                onClick={() => onAction(container, action)}
              />
            ))}
          </Stack>
        );
      }
      return (
        <Stack gap={0.5} wrap="wrap">
          {actionsFor(container).map((action) => (
            <Button
              key={action}
              size="sm"
              variant="secondary"
              disabled={disabledReason !== undefined}
              tooltip={disabledReason}
              aria-label={`${ACTION_LABEL[action]} ${container.name}`}
              onClick={() => onAction(container, action)}
            >
              {ACTION_LABEL[action]}
            </Button>
          ))}
        </Stack>
      );
    }
    return [
      {
        id: 'name',
        header: 'Container',
        // The name links to the container's dashboard; long names end in an ellipsis, whole on hover.
        cell: ({ row }) => (
          <LinkButton
            className={cx(styles.name, compact && styles.compactName)}
            fill="text"
            size="sm"
            variant="secondary"
            href={containerDashboard(row.original.name, host)}
            title={row.original.name}
          >
            {row.original.name}
          </LinkButton>
        ),
      },
      {
        id: 'state',
        header: 'State',
        cell: ({ row }) => (
          <div className={styles.width('state', compact)}>
            {row.original.pausedByBreakwater ? (
              <Badge text={compact ? 'held' : 'paused by breakwater'} color="orange" icon="pause" tooltip="The GPU watchdog paused it to relieve GPU pressure" />
            ) : (
              <Badge text={row.original.state} color={STATE_COLOR[row.original.state] ?? 'darkgrey'} />
            )}
          </div>
        ),
      },
      {
        id: 'health',
        header: 'Health',
        cell: ({ row }) => {
          const { health, unhealthySince } = row.original;
          return (
            <div className={styles.width('health', compact)}>
              <Stack direction="column" gap={0.25} alignItems="flex-start">
                <Badge text={health} color={HEALTH_COLOR[health] ?? 'darkgrey'} />
                {unhealthySince && (
                  <span title={`Failing since ${formatTime(unhealthySince)} at least (the engine keeps its last five probes)`}>
                    <Text color="error" variant="bodySmall">
                      {`since ${formatAgo(unhealthySince).replace(/ ago$/, '')}`}
                    </Text>
                  </span>
                )}
              </Stack>
            </div>
          );
        },
      },
      {
        id: 'cpuPercent',
        visible: () => !compact,
        header: 'CPU / limit',
        cell: ({ row }) => {
          const c = row.original;
          return `${formatPercent(c.cpuPercent)} / ${c.cpuLimited ? `${(c.nanoCpus / 1e9).toFixed(2)} CPU` : 'no limit'}`;
        },
      },
      {
        id: 'memoryBytes',
        visible: () => !compact,
        header: 'Memory / limit',
        cell: ({ row }) => {
          const c = row.original;
          return `${formatBytes(c.memoryBytes)} / ${c.memoryLimited ? formatBytes(c.memoryLimitBytes) : 'no limit'}`;
        },
      },
      { id: 'vramBytes', header: 'VRAM', visible: () => !compact, cell: ({ row }) => formatBytes(row.original.vramBytes) },
      {
        id: 'restarts',
        // Docker's count stays 0 when breakwater restarts a container: both are shown, and under
        // them the last action on it, whoever took it.
        header: 'Restarts · last action',
        visible: () => !compact,
        cell: ({ row }) => {
          const { restarts, breakwaterRestarts, lastAction } = row.original;
          return (
            <div className={styles.width('restarts', compact)}>
              <Stack direction="column" gap={0.25}>
                <span title="by the engine's restart policy · by breakwater since it started">{`${restarts} · ${breakwaterRestarts} by breakwater`}</span>
                {/* Always a second line, so that the row keeps its height when an action arrives. */}
                {lastAction ? (
                  <LastActionLine action={lastAction} />
                ) : (
                  <Text variant="bodySmall" color="secondary">
                    no action yet
                  </Text>
                )}
              </Stack>
            </div>
          );
        },
      },
      {
        id: 'flags',
        visible: () => !compact,
        header: 'Roles',
        cell: ({ row }) => (
          <Stack gap={0.5} wrap="wrap">
            {row.original.gpuOwner && <Badge text="GPU owner" color="purple" />}
            {row.original.protected && <Badge text="protected" color="blue" icon="lock" />}
            {row.original.heal && <Badge text="heal" color="green" icon="heart" />}
          </Stack>
        ),
      },
      {
        id: 'actions',
        header: '',
        visible: () => canAct,
        cell: ({ row }) => <div className={cx(styles.width('actions', compact), styles.atEnd)}>{actionsCell(row.original)}</div>,
      },
    ];
  }, [canAct, compact, disabledReason, host, onAction, styles]);
  return (
    <div className={styles.scroll}>
      <InteractiveTable columns={columns} data={problemsFirst(containers)} getRowId={(c: Container) => c.id} />
    </div>
  );
}

/** The last action on a container, cut to its column, whole with its time and result on hover. */
function LastActionLine({ action }: { action: LastAction }) {
  const text = `${actionWord(action.action)} by ${actorWord(action.actor)} · ${formatAgo(action.at)}`;
  return (
    <span title={`${text} (${formatTime(action.at)}): ${action.result}`}>
      <Stack gap={0.5} alignItems="center">
        {action.result !== 'ok' && <Badge text={action.result} color={RESULT_COLOR[action.result] ?? 'darkgrey'} />}
        <Text variant="bodySmall" color="secondary" truncate>
          {text}
        </Text>
      </Stack>
    </span>
  );
}

/**
 * Each column's width, wide and compact: fixed, so that a badge appearing in one row (a hold, a
 * failing probe) never reflows the table and the action buttons stay where they were.
 */
const WIDTH_PX: Record<string, [wide: number, compact: number]> = {
  state: [150, 70],
  health: [110, 90],
  restarts: [170, 0],
  actions: [190, 80],
};

const getStyles = () => ({
  width: (column: keyof typeof WIDTH_PX, compact: boolean) => {
    const px = WIDTH_PX[column][compact ? 1 : 0];
    return css({ width: px, minWidth: px, maxWidth: px });
  },
  // The table spreads its spare width over every column, by their contents: held against the
  // table's right edge, the actions stay put when a number elsewhere grows or shrinks.
  atEnd: css({ marginLeft: 'auto' }),
  // Whatever the width, every column stays reachable.
  scroll: css({ overflowX: 'auto' }),
  name: css({
    display: 'inline-block',
    maxWidth: '28ch',
    overflow: 'hidden',
    textOverflow: 'ellipsis',
    whiteSpace: 'nowrap',
    verticalAlign: 'bottom',
  }),
  compactName: css({ maxWidth: '18ch' }),
});
