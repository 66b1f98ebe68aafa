/**
 * A unix socket that forwards to the Docker engine's socket and can be made to disappear and
 * come back, or to hang, to test how breakwater lives through an engine outage.
 */
export class SocketProxy {
  #listener?: Deno.UnixListener;
  readonly #connections = new Set<Deno.Conn>();
  /** Connections made to the engine through the proxy so far. */
  connectionsMade = 0;
  /** While set, connections are accepted and never answered: an engine that hangs. */
  stalled = false;

  constructor(readonly path: string, readonly upstream = "/var/run/docker.sock") {}

  /** Starts listening at `path`. */
  start(): void {
    this.#listener = Deno.listen({ transport: "unix", path: this.path });
    void this.#accept(this.#listener);
  }

  /** Closes the socket and every open connection, and removes the socket file. */
  async stop(): Promise<void> {
    this.#listener?.close();
    this.#listener = undefined;
    for (const connection of this.#connections) {
      try {
        connection.close();
      } catch {
        // already closed by the other side
      }
    }
    this.#connections.clear();
    await Deno.remove(this.path).catch(() => {});
  }

  async #accept(listener: Deno.UnixListener): Promise<void> {
    try {
      for await (const client of listener) void this.#forward(client);
    } catch {
      // listener closed
    }
  }

  /** Makes the engine hang: open connections are cut, new ones are never answered. */
  stall(): void {
    this.stalled = true;
    for (const connection of this.#connections) {
      try {
        connection.close();
      } catch {
        // already closed
      }
    }
    this.#connections.clear();
  }

  async #forward(client: Deno.Conn): Promise<void> {
    if (this.stalled) {
      this.#connections.add(client);
      return;
    }
    this.connectionsMade++;
    const engine = await Deno.connect({ transport: "unix", path: this.upstream });
    this.#connections.add(client);
    this.#connections.add(engine);
    await Promise.allSettled([
      client.readable.pipeTo(engine.writable),
      engine.readable.pipeTo(client.writable),
    ]);
    this.#connections.delete(client);
    this.#connections.delete(engine);
  }
}
