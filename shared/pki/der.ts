/**
 * DER framing for the hot paths (issuing, CRLs of many entries). @peculiar/asn1-schema (on asn1js)
 * costs tens of microseconds per element, which a CA issuing 1,000 certificates a second or a CRL
 * of 10,000 entries cannot afford. So the structures' parts are encoded by the schema library
 * (once, when constant) and this module only frames them: a tag and a definite length around
 * content bytes, and a strict reader that splits a DER element into its children. No crypto here.
 */

export const TAG = {
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  SEQUENCE: 0x30,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  CONTEXT_0: 0xa0,
  CONTEXT_3: 0xa3,
} as const;

export class DerError extends Error {
  override readonly name = 'DerError';
}

function lengthOctets(length: number): number[] {
  if (length < 0x80) return [length];
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return [0x80 | octets.length, ...octets];
}

/** tag || length || contents (DER definite form, minimal length octets). */
export function tlv(tag: number, contents: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const part of contents) length += part.byteLength;
  const header = [tag, ...lengthOctets(length)];
  const out = new Uint8Array(header.length + length);
  out.set(header, 0);
  let offset = header.length;
  for (const part of contents) {
    out.set(part, offset);
    offset += part.byteLength;
  }
  return out;
}

/** A BIT STRING of whole octets (no unused bits), e.g. a signature. */
export function bitString(octets: Uint8Array): Uint8Array {
  return tlv(TAG.BIT_STRING, [Uint8Array.of(0), octets]);
}

/**
 * An INTEGER from its content octets, which must already be minimal two's complement (the
 * service's serial numbers are: lowercase hex of the content octets).
 */
export function integer(content: Uint8Array): Uint8Array {
  const [first, second] = content;
  if (first === undefined) throw new DerError('An INTEGER has at least one content octet');
  if (second !== undefined && ((first === 0x00 && second < 0x80) || (first === 0xff && second >= 0x80))) {
    throw new DerError('INTEGER content octets are not minimal');
  }
  return tlv(TAG.INTEGER, [content]);
}

const two = (n: number): string => String(n).padStart(2, '0');

/**
 * An RFC 5280 Time (§4.1.2.5): UTCTime `YYMMDDHHMMSSZ` through 2049, GeneralizedTime
 * `YYYYMMDDHHMMSSZ` from 2050; whole seconds (a fraction is dropped).
 */
export function time(date: Date): Uint8Array {
  const year = date.getUTCFullYear();
  if (!Number.isFinite(date.getTime()) || year < 1950 || year > 9999) throw new DerError('Time out of range');
  const rest = `${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
  return year <= 2049
    ? tlv(TAG.UTC_TIME, [Buffer.from(`${two(year % 100)}${rest}`, 'latin1')])
    : tlv(TAG.GENERALIZED_TIME, [Buffer.from(`${year}${rest}`, 'latin1')]);
}

export interface DerElement {
  tag: number;
  /** The whole element (tag, length and contents). */
  bytes: Uint8Array;
  contents: Uint8Array;
}

/**
 * Reads one DER element at `offset` (low-tag-number form, definite minimal length, inside
 * `data`). Throws DerError otherwise.
 */
export function readElement(data: Uint8Array, offset = 0): DerElement {
  const tag = data[offset];
  if (tag === undefined) throw new DerError('Truncated element');
  if ((tag & 0x1f) === 0x1f) throw new DerError('High tag numbers are not used here');
  const first = data[offset + 1];
  if (first === undefined) throw new DerError('Truncated length');
  let length = first;
  let headerLength = 2;
  if (first >= 0x80) {
    const count = first & 0x7f;
    if (count === 0) throw new DerError('Indefinite length is not DER');
    if (count > 4) throw new DerError('Element too long');
    length = 0;
    for (let i = 0; i < count; i++) {
      const octet = data[offset + 2 + i];
      if (octet === undefined) throw new DerError('Truncated length');
      if (i === 0 && octet === 0) throw new DerError('Length is not minimal');
      length = length * 256 + octet;
    }
    if (length < 0x80) throw new DerError('Length is not minimal');
    headerLength += count;
  }
  const end = offset + headerLength + length;
  if (end > data.byteLength) throw new DerError('Element runs past its container');
  return { tag, bytes: data.subarray(offset, end), contents: data.subarray(offset + headerLength, end) };
}

/** The whole of `data` as exactly one element. */
export function readSingle(data: Uint8Array): DerElement {
  const element = readElement(data, 0);
  if (element.bytes.byteLength !== data.byteLength) throw new DerError('Trailing data after the element');
  return element;
}

/** The children of a constructed element, which must fill its contents exactly. */
export function readChildren(element: DerElement): DerElement[] {
  if ((element.tag & 0x20) === 0) throw new DerError('Not a constructed element');
  const children: DerElement[] = [];
  for (let offset = 0; offset < element.contents.byteLength; ) {
    const child = readElement(element.contents, offset);
    children.push(child);
    offset += child.bytes.byteLength;
  }
  return children;
}
