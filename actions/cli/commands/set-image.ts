import { resolve } from 'node:path';
import { collectManifestFiles, readManifestFiles, writeManifestFiles } from '../../lib/manifests/manifest-files.ts';
import { parseImageAssignment, setImages } from '../../lib/manifests/set-image.ts';
import { formatImageReference } from '../../lib/release/image-reference.ts';
import type { Command } from '../command.ts';
import { UsageError } from '../command.ts';

export const command: Command = {
  summary: 'pin an image (tag and digest) everywhere it appears in the given files or folders',
  usage: 'slipway set-image <file-or-folder>... <repository>=<repository:tag@sha256:…> [<repository>=…]',
  async run(args, io) {
    const assignments = args.filter((arg) => arg.includes('=') && !arg.startsWith('-'));
    const paths = args.filter((arg) => !assignments.includes(arg));
    if (assignments.length === 0 || paths.length === 0)
      throw new UsageError('give at least one file or folder and one <repository>=<reference>');
    const unknownOption = paths.find((path) => path.startsWith('-'));
    if (unknownOption) throw new UsageError(`unknown option ${unknownOption}`);
    const images = assignments.map(parseImageAssignment);
    const files = readManifestFiles(io.cwd, collectManifestFiles(paths.map((path) => resolve(io.cwd, path))));
    const result = setImages(files, images);
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
