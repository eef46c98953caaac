import {
  DeleteObjectCommand, DeleteObjectsCommand, GetObjectCommand, ListObjectsV2Command, ListObjectVersionsCommand, NoSuchKey, PutObjectCommand, type S3Client,
} from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { PhotoContentType, PhotoStore } from '../../ports/photos.js';

export class S3PhotoStore implements PhotoStore {
  constructor(private readonly s3: S3Client, private readonly bucket: string) {}

  async presignUpload(objectKey: string, contentType: PhotoContentType, contentLength: number, expiresInSeconds: number) {
    const url = await getSignedUrl(this.s3, new PutObjectCommand({
      Bucket: this.bucket, Key: objectKey, ContentType: contentType, ContentLength: contentLength,
    }), {
      expiresIn: expiresInSeconds,
      // Signed as headers, so S3 refuses an upload of another type or size than the one declared.
      signableHeaders: new Set(['content-type', 'content-length']),
      unhoistableHeaders: new Set(['content-type', 'content-length']),
    });
    return { url, headers: { 'content-type': contentType, 'content-length': String(contentLength) } };
  }

  async read(objectKey: string, maxBytes: number) {
    try {
      const object = await this.s3.send(new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }));
      if ((object.ContentLength ?? 0) > maxBytes) {
        object.Body?.transformToWebStream().cancel().catch(() => undefined);
        return 'tooLarge' as const;
      }
      const body = await object.Body!.transformToByteArray();
      if (body.length > maxBytes) return 'tooLarge' as const;
      return { body, ...(object.ContentType ? { contentType: object.ContentType } : {}) };
    } catch (error) {
      if (error instanceof NoSuchKey || (error as { name?: string }).name === 'NoSuchKey') return 'missing' as const;
      throw error;
    }
  }

  async remove(objectKey: string): Promise<void> {
    await this.s3.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: objectKey }));
  }

  async removeAll(prefix: string): Promise<number> {
    let removed = 0;
    for (;;) {
      const batch = await this.listVersions(prefix);
      if (batch.length === 0) return removed;
      const result = await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: batch, Quiet: true } }));
      if (result.Errors?.length) throw new Error(`Could not erase ${result.Errors.length} photo object(s): ${result.Errors[0]?.Code ?? 'unknown'}`);
      removed += batch.length;
    }
  }

  /** Up to 1,000 object versions (and delete markers) under the prefix: one DeleteObjects call's worth. */
  private async listVersions(prefix: string): Promise<{ Key: string; VersionId?: string }[]> {
    try {
      const listed = await this.s3.send(new ListObjectVersionsCommand({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1000 }));
      return [...(listed.Versions ?? []), ...(listed.DeleteMarkers ?? [])].map((version) => ({ Key: version.Key!, VersionId: version.VersionId! }));
    } catch (error) {
      // The local stand-in (s3rver) keeps no versions and refuses the listing (MethodNotAllowed):
      // there, deleting the current objects is erasing them.
      if (!['NotImplemented', 'MethodNotAllowed'].includes((error as { name?: string }).name ?? '')) throw error;
      const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, MaxKeys: 1000 }));
      return (listed.Contents ?? []).map((object) => ({ Key: object.Key! }));
    }
  }

  async removeOlder(prefix: string, newest: string): Promise<void> {
    const listed = await this.s3.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix }));
    const others = (listed.Contents ?? []).map((object) => object.Key!).filter((key) => key < newest);
    if (others.length === 0) return;
    await this.s3.send(new DeleteObjectsCommand({ Bucket: this.bucket, Delete: { Objects: others.map((Key) => ({ Key })), Quiet: true } }));
  }

  async presignDownload(objectKey: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({ Bucket: this.bucket, Key: objectKey }), { expiresIn: expiresInSeconds });
  }
}
