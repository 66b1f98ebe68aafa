import { join } from "node:path";
import type { Config } from "../config/schema.ts";
import type { DoctorCheck } from "./doctor_check.ts";

/** Whether breakwater can write its state directory: creates and removes a file there. */
export async function checkStateDir(stateDir: string): Promise<DoctorCheck> {
  const probe = join(stateDir, `.doctor-${crypto.randomUUID()}`);
  try {
    await Deno.mkdir(stateDir, { recursive: true });
    await Deno.writeTextFile(probe, "");
    await Deno.remove(probe);
    return { id: "self.state-dir", status: "ok", detail: `${stateDir} is writable` };
  } catch (error) {
    return {
      id: "self.state-dir",
      status: "fail",
      detail: `${stateDir} is not writable: ${(error as Error).message}`,
      fix: "fix its permissions, or set stateDir in breakwater.yaml to a folder you own",
    };
  }
}

/** Whether the control API's address is free to listen on. */
export function checkApiPort(api: Config["api"]): DoctorCheck {
  const address = `${api.host}:${api.port}`;
  try {
    Deno.listen({ hostname: api.host, port: api.port }).close();
    return { id: "self.api-port", status: "ok", detail: `${address} is free` };
  } catch (error) {
    const inUse = error instanceof Deno.errors.AddrInUse;
    return {
      id: "self.api-port",
      status: "warn",
      detail: inUse
        ? `${address} is in use`
        : `cannot listen on ${address}: ${(error as Error).message}`,
      fix: inUse
        ? "is breakwater already running? Otherwise set api.port in breakwater.yaml"
        : "set api.host/api.port",
    };
  }
}
