import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import type { LetterFileStore } from '../../ports/request-letters.js';

/** Request letters in the photo bucket (its default SSE-KMS key and lifecycle apply to them as to photos). */
export class S3LetterFiles implements LetterFileStore {
  constructor(private readonly s3: S3Client, private readonly bucket: string) {}

  async putPdf(objectKey: string, bytes: Uint8Array): Promise<void> {
    await this.s3.send(new PutObjectCommand({ Bucket: this.bucket, Key: objectKey, Body: bytes, ContentType: 'application/pdf', ContentLength: bytes.byteLength }));
  }

  async presignDownload(objectKey: string, expiresInSeconds: number): Promise<string> {
    return getSignedUrl(this.s3, new GetObjectCommand({
      Bucket: this.bucket, Key: objectKey, ResponseContentType: 'application/pdf', ResponseContentDisposition: 'attachment; filename="surat-permohonan.pdf"',
    }), { expiresIn: expiresInSeconds });
  }
}
