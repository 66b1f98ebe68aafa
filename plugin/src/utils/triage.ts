import type { Container } from '../api/types';

/** What is wrong with a container, worst first; `null` when nothing is. */
export type Problem = 'unhealthy' | 'restarting' | 'exited' | 'held' | 'paused';

const RANK: Record<Problem, number> = { unhealthy: 0, restarting: 1, exited: 2, held: 3, paused: 4 };

/**
 * The container's problem: restarting, exited (or dead), held paused by the watchdog, paused by
 * hand, unhealthy. The state comes first: Docker keeps a paused or stopped container's last health.
 */
export function problemOf(container: Container): Problem | null {
  if (container.state === 'restarting') {
    return 'restarting';
  }
  if (container.state === 'exited' || container.state === 'dead') {
    return 'exited';
  }
  if (container.state === 'paused') {
    return container.pausedByBreakwater ? 'held' : 'paused';
  }
  return container.health === 'unhealthy' ? 'unhealthy' : null;
}

/** Problems first, worst first; then by name. A stable order, so rows do not move between refreshes. */
export function problemsFirst(containers: readonly Container[]): Container[] {
  const rank = (container: Container) => {
    const problem = problemOf(container);
    return problem === null ? Object.keys(RANK).length : RANK[problem];
  };
  return [...containers].sort((a, b) => rank(a) - rank(b) || a.name.localeCompare(b.name));
}

const SUMMARY_WORDS: Record<Problem, string> = {
  unhealthy: 'unhealthy',
  restarting: 'restarting',
  exited: 'exited',
  held: 'held by the watchdog',
  paused: 'paused by hand',
};

/** One line: `1 unhealthy · 2 held by the watchdog · 1 exited`, or that all N are fine. */
export function summarize(containers: readonly Container[]): string {
  const counts = new Map<Problem, number>();
  for (const container of containers) {
    const problem = problemOf(container);
    if (problem) {
      counts.set(problem, (counts.get(problem) ?? 0) + 1);
    }
  }
  if (counts.size === 0) {
    return containers.length === 1 ? '1 container, nothing wrong' : `${containers.length} containers, nothing wrong`;
  }
  return (Object.keys(RANK) as Problem[])
    .filter((problem) => counts.has(problem))
    .map((problem) => `${counts.get(problem)} ${SUMMARY_WORDS[problem]}`)
    .join(' · ');
}
