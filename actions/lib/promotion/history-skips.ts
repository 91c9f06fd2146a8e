/**
 * What an environment's recorded promotion history says about a requested promotion: services to
 * skip because the environment already runs a newer release, or because an explicit rollback took
 * the image out. Pure.
 */
import type { PromotionRequest, ServicePromotion, SkippedService } from './plan.ts';
import { latestImages, rolledBackImages } from './record.ts';
import type { Pin } from '../manifests/pins.ts';
import type { RecordedImage, RecordedPromotion } from './record.ts';

/** Why the recorded history keeps a service from being promoted, or undefined when it may proceed. */
function historySkipReason(
  entry: ServicePromotion,
  pins: Pin[],
  request: PromotionRequest,
  recorded: RecordedImage | undefined,
  rollback: string | undefined,
): string | undefined {
  if (rollback && !pins.every((pin) => pin.digest === entry.image.digest)) {
    return `${entry.service} ${entry.image.tag} was rolled back in ${request.environment} (commit ${rollback.slice(0, 12)}); not promoting it again automatically. Promote a newer release, or name the image explicitly (--set / images) to deploy it anyway.`;
  }
  const runsRecorded = recorded !== undefined && pins.every((pin) => pin.digest === recorded.image.digest);
  const older = recorded !== undefined && Date.parse(entry.origin.createdAt) < Date.parse(recorded.createdAt);
  if (!request.rollsBack && runsRecorded && older && recorded.image.digest !== entry.image.digest) {
    return (
      `${request.environment} already runs ${entry.service} from release ${recorded.releaseId} (created ${recorded.createdAt}), ` +
      `newer than release ${entry.origin.releaseId} (created ${entry.origin.createdAt}); not replacing it. Use an explicit rollback to go back.`
    );
  }
  return undefined;
}

/** The services that proceed, and those the environment's history skips (a newer release running, a rollback). */
export function sortByHistory(
  request: PromotionRequest,
  current: Map<string, Pin[]>,
  history: readonly RecordedPromotion[],
): { proceed: ServicePromotion[]; skipped: SkippedService[] } {
  const latest = latestImages(history);
  const rolledBack = request.refuseRolledBack ? rolledBackImages(history) : new Map<string, Map<string, string>>();
  const skipped: SkippedService[] = [];
  const proceed: ServicePromotion[] = [];
  for (const entry of request.services) {
    const pins = current.get(entry.image.repository) ?? [];
    const reason = historySkipReason(
      entry,
      pins,
      request,
      latest.get(entry.service),
      rolledBack.get(entry.service)?.get(entry.image.digest),
    );
    if (reason === undefined) proceed.push(entry);
    else skipped.push({ service: entry.service, reason });
  }
  return { proceed, skipped };
}
