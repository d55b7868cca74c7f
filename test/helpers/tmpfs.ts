// Real full and read-only file systems for tests: a small tmpfs mounted for the test (needs root, or
// CAP_SYS_ADMIN; in a container: --privileged or --cap-add SYS_ADMIN).
import { execFileSync } from 'node:child_process';

/** Mounts a tmpfs with these options at `dir`; the reason it cannot, or null. */
export function mountTmpfs(dir: string, options: string): string | null {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', options, 'tmpfs', dir], { stdio: 'pipe' });
    return null;
  } catch (err) {
    return `${(err as { stderr?: Buffer }).stderr?.toString().trim() || (err as Error).message}`;
  }
}

export function remount(dir: string, options: string): void {
  execFileSync('mount', ['-o', `remount,${options}`, dir], { stdio: 'pipe' });
}

export function unmount(dir: string): void {
  execFileSync('umount', [dir], { stdio: 'pipe' });
}
