/** Where the platform facts are read from; tests point these at fake trees. */
export interface PlatformRoots {
  /** `/proc/sys/kernel/osrelease` or equivalent. */
  osRelease: string;
  /** The folder WSL2 puts the Windows driver's libraries in. */
  wslLib: string;
}

const HOST: PlatformRoots = { osRelease: "/proc/sys/kernel/osrelease", wslLib: "/usr/lib/wsl/lib" };

/**
 * Whether this is WSL2, where the GPU is shared through WDDM and no per-process GPU memory is
 * available: the kernel release names Microsoft/WSL, or `/usr/lib/wsl/lib` exists.
 */
export function isWsl(roots: PlatformRoots = HOST): boolean {
  try {
    if (/microsoft|wsl/i.test(Deno.readTextFileSync(roots.osRelease))) return true;
  } catch {
    // not Linux, or no procfs
  }
  try {
    return Deno.statSync(roots.wslLib).isDirectory;
  } catch {
    return false;
  }
}
