/** A container breakwater paused or stopped, to be resumed once pressure clears. */
export interface HeldContainer {
  name: string;
  id: string;
  /** When breakwater paused or stopped it, ms since the epoch. */
  at: number;
  /**
   * Set while the engine is being asked (written before it acts): if breakwater dies before the
   * answer, the next reading settles it from what the container is then.
   */
  pending?: true;
}

/** What the GPU watchdog remembers between readings and runs. */
export interface GpuWatchState {
  /** Disarmed, the watchdog reads and journals but climbs no rung. */
  armed: boolean;
  tripped: boolean;
  /** Consecutive readings over a high watermark. */
  highStreak: number;
  /** Consecutive readings under both low watermarks. */
  lowStreak: number;
  /** The ladder rung the next trip starts from. */
  nextRung: number;
  lastRungAt: number | null;
  /** No rung had anything to do this trip (journaled once). */
  ladderExhausted: boolean;
  /** Readings that failed or came back partial, since breakwater first ran. */
  unknownReadings: number;
  /** Unknown readings in a row, so that an outage is journaled once. */
  unknownStreak: number;
  paused: HeldContainer[];
  stopped: HeldContainer[];
}

/** The state of a watchdog that has seen nothing yet. */
export function initialGpuWatchState(): GpuWatchState {
  return {
    armed: true,
    tripped: false,
    highStreak: 0,
    lowStreak: 0,
    nextRung: 0,
    lastRungAt: null,
    ladderExhausted: false,
    unknownReadings: 0,
    unknownStreak: 0,
    paused: [],
    stopped: [],
  };
}
