/** Bytes that a JSON answer carries as a base64 string (a signed PDF). */
export class Base64Bytes {
  constructor(readonly bytes: Uint8Array) {}
}

/**
 * JSON.stringify, except that each Base64Bytes is written as its base64 string spliced in: the
 * base64 alphabet needs no escaping, and JSON.stringify would scan every character of a signed
 * PDF's few megabytes for it (measured at several times the cost of the base64 encoding itself).
 * Objects keep their key order and leave out undefined values, as JSON.stringify does.
 */
export function jsonWithBytes(value: unknown): string {
  if (value instanceof Base64Bytes) return `"${Buffer.from(value.bytes.buffer, value.bytes.byteOffset, value.bytes.byteLength).toString('base64')}"`;
  if (Array.isArray(value)) return `[${value.map((item) => (item === undefined ? 'null' : jsonWithBytes(item))).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const members = Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => `${JSON.stringify(key)}:${jsonWithBytes(item)}`);
    return `{${members.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** A 200 JSON answer built by jsonWithBytes. */
export const jsonBytesReply = (body: unknown) => ({
  status: 200,
  body: jsonWithBytes(body),
  headers: { 'content-type': 'application/json; charset=utf-8' },
});
