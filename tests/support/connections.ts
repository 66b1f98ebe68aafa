/** Closes each connection, whether or not the other side already did. */
export function closeAll(conns: Iterable<Deno.Conn>): void {
  for (const conn of conns) {
    try {
      conn.close();
    } catch {
      // already closed by the other side
    }
  }
}
