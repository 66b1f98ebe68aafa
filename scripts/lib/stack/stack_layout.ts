import { join } from "node:path";

/** Where the stack's files live in a checkout of breakwater. */
export interface StackLayout {
  root: string;
  composeDir: string;
  composeFile: string;
  envFile: string;
  envTemplate: string;
  tokenFile: string;
  alertmanagerConfig: string;
  alertmanagerExample: string;
  pluginDir: string;
}

/** The layout under a checkout's root folder. */
export function stackLayout(root: string): StackLayout {
  const composeDir = join(root, "compose");
  return {
    root,
    composeDir,
    composeFile: join(composeDir, "compose.yaml"),
    envFile: join(composeDir, ".env"),
    envTemplate: join(composeDir, ".env.example"),
    tokenFile: join(composeDir, "secrets", "breakwater-token"),
    alertmanagerConfig: join(composeDir, "alertmanager", "alertmanager.yml"),
    alertmanagerExample: join(composeDir, "alertmanager", "alertmanager.example.yml"),
    pluginDir: join(root, "plugin"),
  };
}

/** The Ollama presets shipped in `compose/presets`. */
export const PRESETS = ["ollama-8gb", "ollama-24gb"] as const;
