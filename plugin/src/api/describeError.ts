import { isFetchError } from '@grafana/runtime';
import { isAdmin } from '../utils/canAct';

/** Whether the error is the control API refusing the token. */
export function isTokenRefused(error: unknown): boolean {
  return isFetchError(error) && error.status === 401;
}

/**
 * Turns what Grafana's backend service throws into one sentence a person can act on: the control
 * API's own message when it sent one, else what the status means through the plugin proxy.
 */
export function describeError(error: unknown): string {
  if (!isFetchError(error)) {
    return error instanceof Error ? error.message : String(error);
  }
  const body = error.data as { error?: string; message?: string } | undefined;
  const message = body?.message;
  if (error.status === 401) {
    const fix = isAdmin()
      ? "Set the token breakwater printed (or its BREAKWATER_TOKEN) on the app's configuration page."
      : "A Grafana Admin can set the right token on the app's configuration page.";
    return `The control API refused the token (401${message ? `: ${message}` : ''}). ${fix}`;
  }
  if (error.status === 403 && message && /route access denied/i.test(message)) {
    return 'Your Grafana role may not do this: acting needs the Editor role.';
  }
  if (error.status === 502 || error.status === 503 || error.status === 504 || error.status === 0) {
    return `Grafana could not reach the control API (${error.status || 'no answer'}${message ? `: ${message}` : ''}). Is \`deno task watch\` running, and is the API URL right?`;
  }
  if (error.status === 404 && !body?.error) {
    return 'The control API URL is not set, or the app is not enabled: open the app configuration page.';
  }
  return message ?? `${error.status} ${error.statusText ?? ''}`.trim();
}

/** A heading for the error: what happened, in a few words. */
export function errorTitle(error: unknown): string {
  if (!isFetchError(error)) {
    return 'Something went wrong';
  }
  if (error.status === 401) {
    return 'breakwater refused the token';
  }
  if (error.status === 403) {
    return 'Not allowed';
  }
  if (error.status === 502 || error.status === 503 || error.status === 504 || error.status === 0) {
    return 'breakwater is not answering';
  }
  return 'breakwater answered with an error';
}
