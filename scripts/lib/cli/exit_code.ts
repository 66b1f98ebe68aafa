/** What a breakwater command's exit status means. */
export const ExitCode = {
  /** All well. */
  Ok: 0,
  /** It ran and found problems (an unhealthy container, a failed action…). */
  Problems: 1,
  /** It could not run: bad config, engine unreachable, bad arguments. */
  CouldNotRun: 2,
} as const;
