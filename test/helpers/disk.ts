/**
 * A small disk for tests of what happens when it fills up: a tmpfs of `size` mounted on a temp
 * folder (root only: tests call `available()` first and say why they skip). `fill()` leaves no
 * free byte, `free()` gives the space back; `close()` unmounts and removes the folder.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, statfsSync, writeSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface SmallDisk {
  dir: string;
  /** Writes a filler file until the disk is full. */
  fill(): void;
  /** Removes the filler file. */
  free(): void;
  /** Free bytes now. */
  freeBytes(): number;
  close(): void;
}

/** Why small disks cannot be made here, or undefined when they can (root and `mount` exist). */
export function smallDiskUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'mounting a tmpfs needs root (CI runs as root)';
  try {
    execFileSync('mount', ['--version'], { stdio: 'ignore' });
    return undefined;
  } catch {
    return 'no mount command';
  }
}

/** Mounts a tmpfs of `size` (e.g. '2m') on a new temp folder. */
export function smallDisk(size: string): SmallDisk {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'blive-disk-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]);
  const filler = path.join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        // Shrinking chunks until not even one byte fits.
        for (let chunk = 1 << 16; chunk >= 1; ) {
          try {
            writeSync(fd, Buffer.alloc(chunk));
          } catch {
            chunk >>= 1;
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    freeBytes() {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    },
    close() {
      try {
        execFileSync('umount', [dir]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
