/**
 * Workspace-relative paths as the index keys them: forward slashes, no leading `./` or `/`,
 * no trailing slash, no empty or `.` segments. Hosts hand in whatever their file system
 * gives; everything downstream compares these strings byte for byte.
 */
export function normalizePath(path: string): string {
  // Hosts almost always hand in clean paths; skip the split/join for those.
  if (!/\\|^\.?\/|\/\.?\/|\/\.?$|^\.$|^$/.test(path)) return path;
  const segments = path.replace(/\\/g, '/').split('/').filter((s) => s !== '' && s !== '.');
  return segments.join('/');
}

/** Locale-independent ordering, so sorted output is the same on every machine. */
export function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The folder part of a normalised path ('' at the root). */
export function dirnameOf(path: string): string {
  const cut = path.lastIndexOf('/');
  return cut < 0 ? '' : path.slice(0, cut);
}

/** The last segment of a normalised path. */
export function basenameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** Whether `path` is `folder` itself or lies inside it ('' holds everything). */
export function isInside(path: string, folder: string): boolean {
  return folder === '' || path === folder || path.startsWith(`${folder}/`);
}
