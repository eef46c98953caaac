/**
 * A photo step: the file input (with `capture`, it opens the camera on phones) or the camera
 * itself where the browser allows it; the picture is re-encoded here to a JPEG of at most 1600 px
 * on its long side (which also drops EXIF, location included), shown, then uploaded to the
 * presigned URL and confirmed. The server checks the bytes again; this only makes uploads small.
 */
const MAX_SIDE = 1600;
const JPEG_QUALITY = 0.85;
// Larger originals risk running a cheap phone out of memory while decoding.
const MAX_INPUT_BYTES = 15 * 1024 * 1024;

interface Problem {
  detail?: string;
}

async function reencode(source: Blob): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(source);
  } catch {
    throw new Error('Berkas ini bukan foto yang dapat dibaca. Pilih foto JPEG atau PNG.');
  }
  const scale = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const canvas = document.createElement('canvas');
  canvas.width = Math.round(bitmap.width * scale);
  canvas.height = Math.round(bitmap.height * scale);
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('Foto tidak dapat diproses. Coba foto lain.'))), 'image/jpeg', JPEG_QUALITY));
}

async function postJson<T>(url: string, body?: unknown): Promise<T> {
  const response = await fetch(url, {
    method: 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? null : JSON.stringify(body),
    credentials: 'same-origin',
  });
  const parsed = (await response.json().catch(() => ({}))) as T & Problem;
  if (!response.ok) throw new Error(parsed.detail ?? 'Foto belum dapat dikirim. Silakan coba lagi.');
  return parsed;
}

async function upload(widget: HTMLElement, photo: Blob): Promise<void> {
  const base = widget.dataset.uploadBase!;
  const offer = await postJson<{ photoId: string; uploadUrl: string; uploadHeaders: Record<string, string> }>(`${base}/photos`, {
    kind: widget.dataset.kind, contentType: 'image/jpeg', contentLength: photo.size,
  });
  const put = await fetch(offer.uploadUrl, { method: 'PUT', headers: offer.uploadHeaders, body: photo }).catch(() => undefined);
  if (!put?.ok) throw new Error('Unggahan terputus. Periksa sambungan internet Anda lalu coba lagi.');
  await postJson(`${base}/photos/${encodeURIComponent(offer.photoId)}/confirm`);
}

function enhance(widget: HTMLElement): void {
  const input = widget.querySelector<HTMLInputElement>('input[type="file"]')!;
  const preview = widget.querySelector<HTMLImageElement>('[data-preview]')!;
  const status = widget.querySelector<HTMLElement>('[data-status]')!;
  const next = widget.querySelector<HTMLElement>('[data-next]');
  const say = (text: string, isError = false) => {
    status.textContent = text;
    status.classList.toggle('field-error', isError);
  };

  const handle = async (source: Blob) => {
    if (source.size > MAX_INPUT_BYTES) return say('Berkas terlalu besar (lebih dari 15 MB). Pilih foto lain atau gunakan kamera.', true);
    try {
      say('Memproses foto…');
      const photo = await reencode(source);
      preview.src = URL.createObjectURL(photo);
      preview.hidden = false;
      say('Mengunggah foto…');
      await upload(widget, photo);
      say('Foto tersimpan. Periksa pratinjau di atas: bila kurang jelas, pilih foto lain.');
      if (next) next.hidden = false;
    } catch (error) {
      say((error as Error).message, true);
    }
  };

  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) void handle(file);
  });
  addCamera(widget, handle, say);
}

/** The camera in the page, where the browser has one and allows it; the file input stays. */
function addCamera(widget: HTMLElement, handle: (photo: Blob) => Promise<void>, say: (text: string, isError?: boolean) => void): void {
  const slot = widget.querySelector<HTMLElement>('[data-camera]');
  if (!slot || !navigator.mediaDevices?.getUserMedia) return;
  const open = document.createElement('button');
  open.type = 'button';
  open.className = 'button button--secondary';
  open.textContent = 'Gunakan kamera';
  slot.append(open);
  open.addEventListener('click', async () => {
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: widget.dataset.kind === 'SELFIE' ? 'user' : 'environment' } });
    } catch {
      return say('Kamera tidak dapat dibuka. Gunakan tombol pilih berkas di atas.', true);
    }
    const video = document.createElement('video');
    video.setAttribute('playsinline', '');
    video.muted = true;
    video.srcObject = stream;
    video.className = 'camera-view';
    const take = document.createElement('button');
    take.type = 'button';
    take.className = 'button';
    take.textContent = 'Ambil foto';
    slot.replaceChildren(video, take);
    await video.play();
    take.addEventListener('click', () => {
      const canvas = document.createElement('canvas');
      canvas.width = video.videoWidth;
      canvas.height = video.videoHeight;
      canvas.getContext('2d')!.drawImage(video, 0, 0);
      stream.getTracks().forEach((track) => track.stop());
      slot.replaceChildren(open);
      canvas.toBlob((blob) => {
        if (blob) void handle(blob);
      }, 'image/jpeg', JPEG_QUALITY);
    });
  });
}

export function enhancePhotoUploads(): void {
  document.querySelectorAll<HTMLElement>('[data-photo]').forEach(enhance);
}
