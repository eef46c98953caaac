import { userPhotoFolder } from '../../../shared/domain/photo-ids.js';
import type { ClosedApplications } from '../../../shared/ports/closed-applications.js';
import type { PhotoStore } from '../../../shared/ports/photos.js';
import type { Clock } from '../../../shared/ports/runtime.js';

export interface PhotoRetentionDeps {
  applications: ClosedApplications;
  photos: Pick<PhotoStore, 'removeAll'>;
  clock: Clock;
  settings: { closedApplicationPhotoDays: number };
}

const PAGE = 100;

/**
 * UU PDP retention: the KTP and selfie photos of an application that ended without an account
 * (rejected or expired) are deleted, every version, once the retention period after its end has
 * passed. The applications are listed by when they closed, so the job reads only what is due; an
 * entry leaves the list only after its photos are gone, so a failure is retried the next day.
 */
export async function deleteClosedApplicationPhotos(deps: PhotoRetentionDeps): Promise<{ applicationsCleared: number; objectsDeleted: number }> {
  const now = deps.clock.now();
  const before = new Date(now.getTime() - deps.settings.closedApplicationPhotoDays * 86_400_000).toISOString();
  let applicationsCleared = 0;
  let objectsDeleted = 0;
  for (;;) {
    const due = await deps.applications.listClosedBefore(before, PAGE);
    for (const application of due) {
      objectsDeleted += await deps.photos.removeAll(userPhotoFolder(application));
      await deps.applications.photosDeleted(application, now.toISOString());
      applicationsCleared++;
    }
    if (due.length < PAGE) return { applicationsCleared, objectsDeleted };
  }
}
