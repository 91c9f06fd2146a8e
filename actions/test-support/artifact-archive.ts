/**
 * Test support: an Actions artifact's archive as GitHub serves its download, a real zip of the
 * artifact's files (name → text) at its root; base64 for the GitHub API stand-in's state
 * (StandInArtifact.zipBase64, github-actions-api.ts).
 */
import { strToU8, zipSync } from 'fflate';

export function artifactZip(files: Record<string, string>): Uint8Array {
  return zipSync(Object.fromEntries(Object.entries(files).map(([name, text]) => [name, strToU8(text)])));
}

export function artifactZipBase64(files: Record<string, string>): string {
  return Buffer.from(artifactZip(files)).toString('base64');
}
