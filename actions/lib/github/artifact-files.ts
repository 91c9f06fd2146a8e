/**
 * One file out of an Actions artifact's archive. GitHub serves an artifact as a zip
 * (GET /repos/{owner}/{repo}/actions/artifacts/{artifact_id}/zip answers 302 to a short-lived URL of
 * it; github/rest-api-description, operation actions/download-artifact, in @octokit/openapi-types
 * 29.0.1); actions/upload-artifact v4 puts an uploaded file at the archive's root under its own name.
 * Unzipped with fflate (0.8.3), reading only the file asked for and refusing one larger than `maxBytes`.
 */
import { unzipSync } from 'fflate';

export class ArtifactFileError extends Error {
  override name = 'ArtifactFileError';
}

/** The text of `name` in the zip `archive` (a buffer of the artifact `artifact`, for messages). */
export function artifactFile(archive: Uint8Array, name: string, artifact: string, maxBytes = 1024 * 1024): string {
  let files: Record<string, Uint8Array>;
  const names: string[] = [];
  try {
    files = unzipSync(archive, {
      filter: (file) => {
        names.push(file.name);
        if (file.name === name && file.originalSize > maxBytes)
          throw new ArtifactFileError(
            `${artifact}/${name} is ${file.originalSize} bytes, more than the ${maxBytes} bytes Slipway reads from an artifact`,
          );
        return file.name === name;
      },
    });
  } catch (error) {
    if (error instanceof ArtifactFileError) throw error;
    throw new ArtifactFileError(`${artifact} is not a readable zip archive (${(error as Error).message})`);
  }
  const file = files[name];
  if (!file) throw new ArtifactFileError(`${artifact} holds no ${name} (it holds ${names.length > 0 ? names.join(', ') : 'nothing'})`);
  if (file.length > maxBytes) throw new ArtifactFileError(`${artifact}/${name} is larger than ${maxBytes} bytes`);
  return new TextDecoder('utf-8', { fatal: false }).decode(file);
}
