/**
 * The e-mails the service sends, with the data each needs. `secret` data (links carrying tokens)
 * is sealed in the outbox and opened only by the dispatcher.
 */
export interface MessageTemplates {
  activation: { data: { fullName: string; tenantName: string; expiresAt: string }; secret: { link: string } };
  certificateExpiring: { data: { fullName: string; serialNumber: string; notAfter: string; daysLeft: string }; secret: Record<string, never> };
}

export type TemplateName = keyof MessageTemplates;
