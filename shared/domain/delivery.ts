/**
 * What became of a sent e-mail, as SES reports it. Reports arrive at least once and in any order,
 * so each state has a rank and a report only ever moves a message to a higher one: a late
 * "delivered" never hides a bounce or a complaint, and a repeated report changes nothing.
 */
export const deliveryStatuses = ['SENT', 'DELAYED', 'DELIVERED', 'REJECTED', 'BOUNCED', 'COMPLAINED', 'SUPPRESSED'] as const;
export type DeliveryStatus = (typeof deliveryStatuses)[number];

/** The states an SES event can report (SENT and SUPPRESSED are ours). */
export type ReportedStatus = Exclude<DeliveryStatus, 'SENT' | 'SUPPRESSED'>;

// A complaint comes after the delivery it is about, so it ranks above it; a bounce or a rejection
// ends a message as surely. A delay is a step on the way to one of these.
const ranks: Record<DeliveryStatus, number> = {
  SENT: 0, DELAYED: 1, DELIVERED: 2, REJECTED: 3, BOUNCED: 3, COMPLAINED: 4, SUPPRESSED: 5,
};

export const deliveryRank = (status: DeliveryStatus): number => ranks[status];

/** Whether a report of `next` moves a message that is now in `current` (absent: only SENT so far). */
export const supersedes = (next: DeliveryStatus, current: DeliveryStatus | undefined): boolean =>
  deliveryRank(next) > deliveryRank(current ?? 'SENT');

export type BounceType = 'Permanent' | 'Transient' | 'Undetermined';

/** A bounce's SES subtype in words a verifier can act on. */
const bounceReasons: Record<string, string> = {
  General: 'alamat tidak dapat menerima e-mail',
  NoEmail: 'alamat e-mail tidak ada',
  Suppressed: 'alamat ini ada di daftar penolakan Amazon SES karena sebelumnya pernah ditolak',
  OnAccountSuppressionList: 'alamat ini ada di daftar penolakan layanan karena sebelumnya pernah ditolak',
  MailboxFull: 'kotak surat penerima penuh',
  MessageTooLarge: 'e-mail terlalu besar untuk server penerima',
  ContentRejected: 'isi e-mail tidak diterima',
  AttachmentRejected: 'lampiran e-mail tidak diterima',
  Undetermined: 'alasan tidak disebutkan',
};

// A reason quoted from the receiving server is kept short: it is shown on a phone and in an e-mail.
const MAX_DIAGNOSTIC = 200;

/** "alamat e-mail tidak ada (smtp; 550 5.1.1 user unknown)": plain words first, the server's own after. */
export function bounceReason(subType: string, diagnosticCode?: string): string {
  const plain = bounceReasons[subType] ?? bounceReasons.General!;
  const diagnostic = diagnosticCode?.replace(/\s+/g, ' ').trim().slice(0, MAX_DIAGNOSTIC);
  return diagnostic ? `${plain} (${diagnostic})` : plain;
}

/** Why SES itself refused to send (a reject event). */
export const rejectReason = (reason: string) =>
  /virus/i.test(reason) ? 'Amazon SES tidak mengirim e-mail ini karena dianggap berisi virus' : `Amazon SES tidak mengirim e-mail ini (${reason.slice(0, MAX_DIAGNOSTIC)})`;

/** Why delivery is delayed (a delivery-delay event), by SES's delay type. */
const delayReasons: Record<string, string> = {
  InternalFailure: 'gangguan sementara di Amazon SES',
  General: 'server penerima belum menerima e-mail',
  MailboxFull: 'kotak surat penerima penuh',
  SpamDetected: 'server penerima menahan e-mail sebagai spam',
  RecipientServerError: 'server penerima sedang bermasalah',
  IPFailure: 'server penerima menahan e-mail dari alamat IP pengirim',
  TransientCommunicationFailure: 'gangguan sementara saat menghubungi server penerima',
  BYOIPHostNameLookupUnavailable: 'gangguan sementara di Amazon SES',
  Undetermined: 'alasan tidak diketahui',
  SendingDeferral: 'pengiriman ditunda oleh Amazon SES',
};

export const delayReason = (delayType: string) => `Masih dicoba: ${delayReasons[delayType] ?? delayReasons.Undetermined!}`;

/** The reason recorded when a message is not sent because its address complained. */
export const suppressedReason = 'Tidak dikirim: alamat menandai e-mail kami sebagai spam';

/** An address as blocks are keyed: one form, whatever case it was typed in. */
export const normalisedAddress = (email: string) => email.trim().toLowerCase();
