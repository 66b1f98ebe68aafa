import { containerFixture } from '../test/fixtures';
import { problemOf, problemsFirst, summarize } from './triage';

const fleet = [
  containerFixture({ name: 'alpha', state: 'running', health: 'healthy' }),
  containerFixture({ name: 'bot', state: 'exited', health: 'none' }),
  containerFixture({ name: 'cache', state: 'paused', health: 'unhealthy', pausedByBreakwater: true }),
  containerFixture({ name: 'db', state: 'running', health: 'unhealthy' }),
  containerFixture({ name: 'etl', state: 'paused', health: 'healthy', pausedByBreakwater: false }),
  containerFixture({ name: 'feed', state: 'restarting', health: 'starting' }),
];

describe('triage', () => {
  it('names each problem, a paused container by its pause whatever its stale health, nothing for a healthy one', () => {
    expect(fleet.map(problemOf)).toEqual([null, 'exited', 'held', 'unhealthy', 'paused', 'restarting']);
  });

  it('puts problems first, worst first, then the rest by name', () => {
    expect(problemsFirst(fleet).map((c) => c.name)).toEqual(['db', 'feed', 'bot', 'cache', 'etl', 'alpha']);
  });

  it('sums the problems up in one line, or says all is well', () => {
    expect(summarize(fleet)).toBe('1 unhealthy · 1 restarting · 1 exited · 1 held by the watchdog · 1 paused by hand');
    expect(summarize([fleet[0], fleet[0]])).toBe('2 containers, nothing wrong');
  });
});
