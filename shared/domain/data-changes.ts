import type { RevocationReason } from './certificates.js';

/**
 * Data change (Perubahan Data): a change to a person's profile that the other party confirms (a
 * user's request by a verifier of their tenant, a verifier's proposal by the user). Moving to
 * another agency is not one: the old tenant revokes, the new one registers.
 */

/** The profile fields a data change may touch. */
export const dataChangeFields = ['fullName', 'position', 'unitName', 'email', 'phone'] as const;
export type DataChangeField = (typeof dataChangeFields)[number];
/** New values of the fields that change (only those). */
export type DataChangeValues = Partial<Record<DataChangeField, string>>;
/** The same fields as they stood (null where the profile has none). */
export type DataChangeSnapshot = Partial<Record<DataChangeField, string | null>>;

export const dataChangeStatuses = ['PENDING', 'APPROVED', 'REJECTED'] as const;
export type DataChangeStatus = (typeof dataChangeStatuses)[number];

/** Who asked: the user themself, or a verifier of their tenant. The other one decides. */
export const dataChangeOrigins = ['USER', 'VERIFIER'] as const;
export type DataChangeOrigin = (typeof dataChangeOrigins)[number];

/** The fields as people read them (pages and e-mails). */
export const dataChangeFieldLabels: Record<DataChangeField, string> = {
  fullName: 'Nama lengkap',
  position: 'Jabatan',
  unitName: 'Unit kerja',
  email: 'Email',
  phone: 'Nomor ponsel',
};

// The subject of a certificate carries the name (CN), the unit (OU) and the e-mail address; the
// position and the phone number are not in it, so changing them leaves the certificate right.
const certificateFields: ReadonlySet<DataChangeField> = new Set(['fullName', 'unitName', 'email']);

/** Whether the change makes the holder's certificate wrong (so approval must revoke it). */
export function touchesCertificate(changes: DataChangeValues): boolean {
  return Object.keys(changes).some((field) => certificateFields.has(field as DataChangeField));
}

/**
 * The RFC 5280 reason an approved change revokes with: a new unit (the organisation is the
 * tenant's and never changes here) is affiliationChanged; a new name or address, superseded.
 */
export function revocationReasonFor(changes: DataChangeValues): RevocationReason {
  return changes.unitName !== undefined ? 'affiliationChanged' : 'superseded';
}

/** The fields whose new value differs from the current one: what the change really is. */
export function effectiveChanges(requested: DataChangeValues, current: DataChangeSnapshot): DataChangeValues {
  return Object.fromEntries(
    dataChangeFields.filter((field) => requested[field] !== undefined && requested[field] !== (current[field] ?? undefined)).map((field) => [field, requested[field]!]),
  );
}

/** One changed field as an e-mail or page shows it. */
export interface DataChangeLine {
  label: string;
  from: string;
  to: string;
}

/** The changes in the order of the form, with their labels (for e-mails: outbox data is text, so JSON). */
export function dataChangeLines(changes: DataChangeValues, previous: DataChangeSnapshot): DataChangeLine[] {
  return dataChangeFields.filter((field) => changes[field] !== undefined)
    .map((field) => ({ label: dataChangeFieldLabels[field], from: previous[field] ?? '', to: changes[field]! }));
}

/** A change line in a sentence: «Jabatan: "Analis" menjadi "Kepala Seksi"». */
export function describeChangeLine(line: DataChangeLine): string {
  return `${line.label}: ${line.from ? `"${line.from}"` : '(kosong)'} menjadi "${line.to}"`;
}
