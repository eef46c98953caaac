/** An application that ended without an account (rejected or expired), whose photos are still kept. */
export interface ClosedApplication {
  userId: string;
  tenantId: string;
  closedAt: string;
}

/** The applications whose photos wait for the end of their retention period. */
export interface ClosedApplications {
  /** Those closed before `before` (ISO), oldest first. */
  listClosedBefore(before: string, limit: number): Promise<ClosedApplication[]>;
  /**
   * After the photo objects are gone: the user's photo records and photo ids are dropped, and the
   * application leaves the list. Safe to repeat.
   */
  photosDeleted(application: ClosedApplication, at: string): Promise<void>;
}
