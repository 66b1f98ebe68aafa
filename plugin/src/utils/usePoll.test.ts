import { act, renderHook, waitFor } from '@testing-library/react';
import { usePoll } from './usePoll';

describe('usePoll', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  it('reads at once and every interval, never two reads at a time, and keeps the last answer on failure', async () => {
    let open = 0;
    let most = 0;
    let calls = 0;
    let fail = false;
    const resolvers: Array<() => void> = [];
    const load = () => {
      calls++;
      open++;
      most = Math.max(most, open);
      return new Promise<number>((resolve, reject) =>
        resolvers.push(() => {
          open--;
          if (fail) {
            reject(new Error('down'));
          } else {
            resolve(calls);
          }
        })
      );
    };
    const { result, unmount } = renderHook(() => usePoll(load, 1_000));
    await act(async () => jest.advanceTimersByTime(0));
    await act(async () => jest.advanceTimersByTime(3_500)); // three ticks while the first read hangs
    expect(calls).toBe(1);
    await act(async () => resolvers.shift()!());
    await waitFor(() => expect(result.current.data).toBe(1));
    await act(async () => jest.advanceTimersByTime(1_000));
    expect(calls).toBe(2);
    fail = true;
    await act(async () => resolvers.shift()!());
    await waitFor(() => expect(result.current.error).toBeInstanceOf(Error));
    expect(result.current.data).toBe(1);
    expect(most).toBe(1);
    unmount();
    await act(async () => jest.advanceTimersByTime(5_000));
    expect(calls).toBe(2);
  });

  it('reads at once when its trigger changes (a dashboard refresh), joining a read under way', async () => {
    let calls = 0;
    const resolvers: Array<() => void> = [];
    const load = () => {
      calls++;
      return new Promise<number>((resolve) => resolvers.push(() => resolve(calls)));
    };
    const { result, rerender } = renderHook(({ trigger }) => usePoll(load, 60_000, trigger), { initialProps: { trigger: 1 } });
    await act(async () => jest.advanceTimersByTime(0));
    expect(calls).toBe(1);
    rerender({ trigger: 2 });
    expect(calls).toBe(1); // the first read is still under way
    await act(async () => resolvers.shift()!());
    await waitFor(() => expect(result.current.data).toBe(1));
    rerender({ trigger: 3 });
    expect(calls).toBe(2);
    rerender({ trigger: 3 });
    expect(calls).toBe(2);
  });
});
