const KB = 1024;
const MB = 1024 * KB;

/** A file size as people read it: "350 KB", "2,4 MB" (Indonesian decimal comma); shared by the pages and their script. */
export function fileSize(bytes: number): string {
  if (bytes < MB) return `${Math.max(1, Math.ceil(bytes / KB))} KB`;
  return `${(bytes / MB).toLocaleString('id-ID', { maximumFractionDigits: 1 })} MB`;
}
