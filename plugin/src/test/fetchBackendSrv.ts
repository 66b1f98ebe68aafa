import { Observable } from 'rxjs';
import type { BackendSrv, BackendSrvRequest, FetchResponse } from '@grafana/runtime';

/**
 * A BackendSrv over the browser's fetch, shaped like Grafana's: JSON in and out, and failures as
 * `FetchError` objects (`status`, `data`, `statusText`). Grafana provides the real one; tests and the
 * end-to-end harness use this so that every call is a real HTTP request.
 */
export function createFetchBackendSrv(base: string): BackendSrv {
  const fetchObservable = <T>(options: BackendSrvRequest) =>
    new Observable<FetchResponse<T>>((subscriber) => {
      const url = new URL(options.url, base);
      for (const [key, value] of Object.entries(options.params ?? {})) {
        url.searchParams.set(key, String(value));
      }
      const hasBody = options.data !== undefined;
      fetch(url, {
        method: options.method ?? 'GET',
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...options.headers },
        body: hasBody ? JSON.stringify(options.data) : undefined,
        credentials: 'same-origin',
      }).then(
        async (response) => {
          const text = await response.text();
          let data: unknown = text;
          try {
            data = text ? JSON.parse(text) : undefined;
          } catch {
            // not JSON: keep the text
          }
          const result = {
            data: data as T,
            status: response.status,
            statusText: response.statusText,
            ok: response.ok,
            headers: response.headers,
            redirected: response.redirected,
            type: response.type,
            url: response.url,
            config: options,
          };
          if (response.ok) {
            subscriber.next(result);
            subscriber.complete();
          } else {
            subscriber.error({ ...result, data: data ?? {} });
          }
        },
        (error: Error) => subscriber.error({ status: 0, statusText: error.message, data: { message: error.message }, config: options })
      );
    });
  const unused = () => {
    throw new Error('breakwater uses BackendSrv.fetch only');
  };
  return {
    fetch: fetchObservable,
    get: unused,
    delete: unused,
    post: unused,
    patch: unused,
    put: unused,
    request: unused,
    datasourceRequest: unused,
    chunked: unused,
  } as unknown as BackendSrv;
}
