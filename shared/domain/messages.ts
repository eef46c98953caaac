/**
 * The e-mails the service sends, with the data each needs. `secret` data (links carrying tokens)
 * is sealed in the outbox and opened only by the dispatcher.
 */
export interface MessageTemplates {
  activation: { data: { fullName: string; tenantName: string; expiresAt: string }; secret: { link: string } };
  accountInfo: { data: { fullName: string; username: string; expiresAt: string }; secret: { link: string } };
  setPassphrase: { data: { fullName: string; expiresAt: string }; secret: { link: string } };
  applicationRejected: { data: { fullName: string; tenantName: string; reason: string }; secret: Record<string, never> };
  applicationExpired: { data: { fullName: string; tenantName: string }; secret: Record<string, never> };
  reviewRequested: { data: { applicantName: string; tenantName: string; employmentType: string; screening: string; reviewUrl: string }; secret: Record<string, never> };
  certificateExpiring: { data: { fullName: string; serialNumber: string; notAfter: string; daysLeft: string }; secret: Record<string, never> };
}

export type TemplateName = keyof MessageTemplates;
