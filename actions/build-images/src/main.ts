/** The build action: reads its inputs (lib/shell/inputs/build-images.ts), builds the changed services (lib/images/build-release.ts), writes the release manifest and outputs. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { buildRelease, buildSummary } from '../../lib/images/build-release.ts';
import { formatImageReference } from '../../lib/release/image-reference.ts';
import { formatReleaseManifest } from '../../lib/release/release-manifest.ts';
import { eventPayload } from '../../lib/shell/action-event.ts';
import { actionContext, actionInputs, appendSummary, log, runAction, setOutputs } from '../../lib/shell/action-io.ts';
import { buildImagesFields, parseBuildImagesInputs } from '../../lib/shell/inputs/build-images.ts';

export function run(): Promise<void> {
  return runAction(async () => {
    const inputs = parseBuildImagesInputs(actionInputs(buildImagesFields), actionContext(), eventPayload());
    const result = await buildRelease({ ...inputs.build, env: process.env, log: log.info, warn: log.warning });
    if (result.manifest) {
      mkdirSync(dirname(inputs.manifestFile), { recursive: true });
      writeFileSync(inputs.manifestFile, formatReleaseManifest(result.manifest));
    }
    setOutputs({
      changed: String(result.images.length > 0),
      services: JSON.stringify(result.images.map((built) => built.service)),
      images: result.images.map((built) => `${built.service}=${formatImageReference(built.image)}`).join('\n'),
      tags: JSON.stringify(
        Object.fromEntries(result.images.map((built) => [built.service, built.tags.map((tag) => `${built.image.repository}:${tag}`)])),
      ),
      'release-manifest': result.manifest ? inputs.manifestPath : '',
      'release-id': result.manifest?.id ?? '',
    });
    await appendSummary(buildSummary(result));
  });
}
