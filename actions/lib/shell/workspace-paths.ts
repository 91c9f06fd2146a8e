/** Decides whether a path given in an option stays inside the folder it must stay in. */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { InputError } from './inputs/raw-inputs.ts';

/**
 * Resolves `value` (from option `option`) against `root` and refuses anything outside `root`:
 * `..` segments that climb out, absolute paths elsewhere, NUL bytes.
 */
export function insideRoot(root: string, value: string, option: string): string {
  if (value.includes('\0')) throw new InputError(`${option}: '${value}' contains a NUL byte`);
  const absolute = resolve(root, value);
  const fromRoot = relative(resolve(root), absolute);
  if (fromRoot === '..' || fromRoot.startsWith(`..${sep}`) || isAbsolute(fromRoot)) {
    throw new InputError(`${option}: '${value}' points outside ${resolve(root)}; give a path inside the repository`);
  }
  return absolute;
}

/** The same check for a repository-relative path (posix separators), returned normalised ('' for the root). */
export function repositoryPath(value: string, option: string): string {
  if (value.includes('\0')) throw new InputError(`${option}: '${value}' contains a NUL byte`);
  if (value.startsWith('/') || /^[A-Za-z]:/.test(value))
    throw new InputError(`${option}: '${value}' must be relative to the repository root`);
  const parts: string[] = [];
  for (const part of value.split(/[\\/]+/)) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (parts.length === 0) throw new InputError(`${option}: '${value}' climbs out of the repository with '..'; give a path inside it`);
      parts.pop();
    } else parts.push(part);
  }
  return parts.join('/');
}
