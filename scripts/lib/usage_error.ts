/**
 * A problem the user can fix (a bad value, a missing file, a busy port): commands print its
 * message as one line and exit 2, without a stack trace.
 */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
