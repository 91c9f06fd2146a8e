import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { selectFolderFiles } from '../../lib/manifests/folder-selection.ts';
import { collectManifestFiles, readManifestFiles, writeManifestFiles } from '../../lib/manifests/manifest-files.ts';
import { parseImageAssignment, setImages } from '../../lib/manifests/set-image.ts';
import { formatImageReference } from '../../lib/release/image-reference.ts';
import type { Command, CommandIo } from '../command.ts';
import { UsageError } from '../command.ts';

/** Files named directly are read as given; under a folder, only GitOps files (folder-selection.ts). */
function readGivenFiles(paths: readonly string[], io: CommandIo, verbose: boolean): Map<string, string> {
  const absolute = paths.map((path) => resolve(io.cwd, path));
  const isFolder = (path: string): boolean => statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  const files = readManifestFiles(io.cwd, collectManifestFiles(absolute.filter((path) => !isFolder(path))));
  const found = readManifestFiles(io.cwd, collectManifestFiles(absolute.filter(isFolder)));
  const selection = selectFolderFiles(found);
  for (const [path, text] of selection.read) files.set(path, text);
  if (verbose) for (const skipped of selection.skipped) io.out(`skipped ${skipped.path}: ${skipped.reason}`);
  return files;
}

export const command: Command = {
  summary: 'pin an image (tag and digest) everywhere it appears in the given files or folders',
  usage: 'slipway set-image [--verbose] <file-or-folder>... <repository>=<repository:tag@sha256:…> [<repository>=…]',
  async run(args, io) {
    const verbose = args.includes('--verbose');
    const rest = args.filter((arg) => arg !== '--verbose');
    const assignments = rest.filter((arg) => arg.includes('=') && !arg.startsWith('-'));
    const paths = rest.filter((arg) => !assignments.includes(arg));
    if (assignments.length === 0 || paths.length === 0)
      throw new UsageError('give at least one file or folder and one <repository>=<reference>');
    const unknownOption = paths.find((path) => path.startsWith('-'));
    if (unknownOption) throw new UsageError(`unknown option ${unknownOption}`);
    const images = assignments.map(parseImageAssignment);
    const result = setImages(readGivenFiles(paths, io, verbose), images);
    writeManifestFiles(io.cwd, result.files);
    for (const edit of result.edits) {
      const to = formatImageReference({ repository: edit.repository, tag: edit.to.tag, digest: edit.to.digest });
      const spelling = edit.repository === edit.requested ? '' : ` ${edit.repository} (matched as ${edit.requested})`;
      io.out(`${edit.file}:${edit.line} ${edit.style}${spelling} ${edit.changed ? `-> ${to}` : '(already pinned)'}`);
    }
    io.out(`${result.files.size} file(s) changed`);
    return 0;
  },
};
