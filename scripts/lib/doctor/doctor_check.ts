/** How a check came out: `fail` makes doctor exit 1; `warn` is worth knowing. */
export type CheckStatus = "ok" | "warn" | "fail";

/** One thing doctor looked at. */
export interface DoctorCheck {
  id: string;
  status: CheckStatus;
  /** What it found, in one line. */
  detail: string;
  /** What to do about it, in one line; absent when all is well. */
  fix?: string;
}
