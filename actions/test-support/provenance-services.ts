/**
 * Test support: the Sigstore stand-ins and the GitHub attestations API, started once for the calling
 * test file (beforeAll) and closed after it (afterAll), with the stand-ins' trusted_root.json
 * written into a fresh folder.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startGitHubAttestationsApi } from './github-attestations-api.ts';
import type { GitHubAttestationsApi } from './github-attestations-api.ts';
import { startSigstoreServices } from './sigstore-services.ts';
import type { SigstoreServices } from './sigstore-services.ts';

export interface ProvenanceServices {
  sigstore: () => SigstoreServices;
  api: () => GitHubAttestationsApi;
  /** The folder holding trusted_root.json. */
  folder: () => string;
}

/** Registers the file's hooks; the accessors answer once beforeAll has run. */
export function provenanceServicesPerFile(token: string, repository: string, folderPrefix: string): ProvenanceServices {
  let sigstore: SigstoreServices | undefined;
  let api: GitHubAttestationsApi | undefined;
  let folder: string | undefined;
  beforeAll(async () => {
    sigstore = await startSigstoreServices();
    api = await startGitHubAttestationsApi({ token, repositories: [repository] });
    folder = mkdtempSync(join(tmpdir(), folderPrefix));
    writeFileSync(join(folder, 'trusted_root.json'), JSON.stringify(sigstore.trustedRoot));
  });
  afterAll(async () => {
    await api?.close();
    await sigstore?.close();
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error('the provenance services start in beforeAll');
    return value;
  };
  return { sigstore: () => started(sigstore), api: () => started(api), folder: () => started(folder) };
}
