/** Whether an error (or one of its causes) says the disk is full: SQLite's SQLITE_FULL or the OS's ENOSPC. */
export function isStorageFull(e: unknown): boolean {
  for (let cur = e, depth = 0; cur && depth < 5; cur = (cur as { cause?: unknown }).cause, depth++) {
    const code = (cur as { code?: unknown }).code;
    if (code === 'SQLITE_FULL' || code === 'ENOSPC') return true;
  }
  return false;
}
