export const photoKinds = ['KTP', 'SELFIE'] as const;
export type PhotoKind = (typeof photoKinds)[number];
export const photoContentTypes = ['image/jpeg', 'image/png'] as const;
export type PhotoContentType = (typeof photoContentTypes)[number];

export interface PhotoRecord {
  photoId: string;
  userId: string;
  kind: PhotoKind;
  objectKey: string;
  contentType: PhotoContentType;
  contentLength: number;
  status: 'PENDING' | 'CONFIRMED';
  createdAt: string;
  confirmedAt?: string;
  width?: number;
  height?: number;
}

/** KYC photos in object storage. AWS: S3 with presigned URLs; locally: s3rver. */
export interface PhotoStore {
  /** A short-lived URL the browser PUTs the photo to; type and length are part of the signature. */
  presignUpload(objectKey: string, contentType: PhotoContentType, contentLength: number, expiresInSeconds: number): Promise<{ url: string; headers: Record<string, string> }>;
  /** The object, unless it is missing or larger than maxBytes (then `tooLarge`). */
  read(objectKey: string, maxBytes: number): Promise<{ body: Uint8Array; contentType?: string } | 'missing' | 'tooLarge'>;
  remove(objectKey: string): Promise<void>;
  /**
   * Erases every object under the prefix for good: every version and delete marker where the
   * bucket keeps versions (S3), so nothing can be restored. Returns how many were removed.
   */
  removeAll(prefix: string): Promise<number>;
  /** Removes the objects under the prefix whose keys sort before `newest` (older photos of a kind). */
  removeOlder(prefix: string, newest: string): Promise<void>;
  presignDownload(objectKey: string, expiresInSeconds: number): Promise<string>;
}
