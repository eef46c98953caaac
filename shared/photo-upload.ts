import { AppError } from './domain/errors.js';
import { inspectPhoto, MAX_PHOTO_BYTES } from './domain/photo-check.js';
import type { PhotoStore } from './ports/photos.js';

/** Presigned upload URLs live 5 minutes (type and size are part of the signature). */
export const UPLOAD_URL_SECONDS = 5 * 60;
/** Photo links shown to verifiers are short-lived: a copied link soon stops working. */
export const PHOTO_LINK_SECONDS = 5 * 60;

/**
 * Reads an uploaded photo back and checks it for real (size, type by its bytes, a full decode,
 * sane dimensions). A photo that fails is deleted and refused with PHOTO_INVALID.
 */
export async function checkUploadedPhoto(photos: Pick<PhotoStore, 'read' | 'remove'>, objectKey: string): Promise<{ width: number; height: number }> {
  const stored = await photos.read(objectKey, MAX_PHOTO_BYTES);
  if (stored === 'missing') {
    throw new AppError('PHOTO_INVALID', [], {
      detail: { id: 'Foto belum diunggah. Unggah berkas ke alamat yang diberikan, lalu konfirmasi.', en: 'The photo was not uploaded yet. Upload it to the address given, then confirm.' },
    });
  }
  const verdict = stored === 'tooLarge' ? { ok: false as const, reason: 'too large' } : inspectPhoto(stored.body, stored.contentType);
  if (!verdict.ok) {
    await photos.remove(objectKey);
    throw new AppError('PHOTO_INVALID', [], { internal: verdict.reason });
  }
  return { width: verdict.width, height: verdict.height };
}
