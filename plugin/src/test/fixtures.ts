import type { Container, JournalEntry, Status } from '../api/types';

/** A container as the control API describes it; override what a test is about. */
export function containerFixture(overrides: Partial<Container> = {}): Container {
  return {
    name: 'ingest',
    id: 'c0ffee',
    image: 'ingest:latest',
    state: 'running',
    health: 'healthy',
    restarts: 0,
    breakwaterRestarts: 0,
    lastAction: null,
    startedAt: '2026-11-27T03:00:00.000Z',
    unhealthySince: null,
    uptimeSeconds: 600,
    cpuPercent: 12.5,
    memoryBytes: 200 * 1024 ** 2,
    memoryLimitBytes: 512 * 1024 ** 2,
    nanoCpus: 1_000_000_000,
    cpuLimited: true,
    memoryLimited: true,
    heal: true,
    protected: false,
    gpuOwner: false,
    pausable: true,
    pausedByBreakwater: false,
    gaveUp: false,
    vramBytes: null,
    labels: { 'breakwater.heal': 'true' },
    ...overrides,
  };
}

/** A whole status: Ollama owning an H200 under load, a helper and the protected Grafana. */
export function statusFixture(overrides: Partial<Status> = {}): Status {
  return {
    generatedAt: '2026-11-27T03:10:00.000Z',
    dryRun: false,
    engine: { reachable: true, address: 'unix:///var/run/docker.sock' },
    containersReadAt: null,
    containers: [
      containerFixture({ name: 'ollama', id: 'a1', gpuOwner: true, pausable: false, heal: false, labels: { 'breakwater.gpu-owner': 'true' }, vramBytes: 139226 * 1024 ** 2 }),
      containerFixture({ breakwaterRestarts: 1 }),
      containerFixture({ name: 'grafana', id: 'g1', protected: true, pausable: false, heal: false, labels: { 'breakwater.protected': 'true' } }),
      containerFixture({ name: 'wa-ingest', id: 'w1', state: 'paused', health: 'unhealthy', pausedByBreakwater: true, labels: { 'breakwater.gpu-noisy': 'true' } }),
    ],
    gpu: {
      source: 'nvml',
      reason: 'NVML at libnvidia-ml.so.1 (driver 580.159.04)',
      readAt: '2026-11-27T03:10:00.000Z',
      ok: true,
      gpus: [
        {
          index: 0,
          name: 'NVIDIA H200',
          uuid: 'GPU-318da158-5148-7bd2-79cf-e1b0379fd5c0',
          memoryTotalBytes: 143771 * 1024 ** 2,
          memoryUsedBytes: 139235 * 1024 ** 2,
          utilizationPercent: 100,
          memoryUtilizationPercent: 23,
          temperatureCelsius: 60,
          powerWatts: 691.87,
          powerLimitWatts: 700,
        },
      ],
      attributionAvailable: true,
    },
    watchdog: {
      enabled: true,
      state: 'tripped',
      armed: true,
      tripped: true,
      highStreak: 4,
      lowStreak: 0,
      streak: 3,
      clearStreak: 3,
      ladder: ['unload-ollama-models', 'pause-noisy', 'stop-top-vram'],
      nextRung: 'stop-top-vram',
      paused: [{ name: 'wa-ingest', id: 'w1', at: '2026-11-27T03:09:00.000Z' }],
      stopped: [],
      unknownReadings: 0,
    },
    heal: { containers: [{ name: 'ingest', backoffRestarts: 1, lastRestartAt: '2026-11-27T03:05:00.000Z', nextRestartAt: '2026-11-27T03:05:10.000Z', gaveUp: false }] },
    probes: [{ name: 'ollama', url: 'http://127.0.0.1:11434/api/version', up: true, status: 200, latencyMs: 3 }],
    ...overrides,
  };
}

/** Journal entries, oldest first, as the API returns them. */
export const journalFixture: JournalEntry[] = [
  {
    time: '2026-11-27T03:05:00.000Z',
    action: 'restart',
    container: { name: 'ingest', id: 'c0ffee' },
    reason: 'container is unhealthy',
    details: { attempt: 1 },
    actor: 'policy',
    result: 'ok',
    durationMs: 410,
  },
  {
    time: '2026-11-27T03:09:00.000Z',
    action: 'pause',
    container: { name: 'wa-ingest', id: 'w1' },
    reason: 'vram and utilization pressure (VRAM 96.8 %, utilization 100 %): pausing a GPU-noisy container',
    details: { rung: 'pause-noisy' },
    actor: 'policy',
    result: 'ok',
  },
];
