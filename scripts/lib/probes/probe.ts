import type { ProbeConfig } from "../config/schema.ts";

/** The outcome of probing one endpoint once. */
export interface ProbeResult {
  name: string;
  url: string;
  /** A 2xx answer within the timeout. */
  up: boolean;
  /** The HTTP status, when there was an answer. */
  status?: number;
  latencyMs: number;
  /** Why there was no answer. */
  error?: string;
}

/** GETs the probe's URL once, within its timeout. Never throws. */
export async function probeOnce(
  probe: Pick<ProbeConfig, "name" | "url" | "timeout">,
): Promise<ProbeResult> {
  const start = performance.now();
  const { name, url } = probe;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(probe.timeout) });
    await response.body?.cancel();
    const latencyMs = Math.round(performance.now() - start);
    return { name, url, up: response.ok, status: response.status, latencyMs };
  } catch (error) {
    const cause = (error as Error).cause as Error | undefined;
    const timedOut = (error as Error).name === "TimeoutError";
    return {
      name,
      url,
      up: false,
      latencyMs: Math.round(performance.now() - start),
      error: timedOut
        ? `no answer within ${probe.timeout} ms`
        : cause?.message ?? (error as Error).message,
    };
  }
}
