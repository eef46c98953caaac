/**
 * The business events the service counts as CloudWatch metrics (Powertools Metrics, EMF lines in
 * the logs: no extra API call). Defined once: the functions emit these names and the dashboard
 * reads them from here, so the two cannot drift.
 *
 * Every metric carries exactly one dimension, the stage. The tenant is deliberately NOT a
 * dimension: each distinct dimension value is a custom metric billed by the month, so tenants ×
 * metrics would grow the bill with every agency that joins, for numbers the service already has —
 * per-tenant counts are the DynamoDB usage counters (shared/domain/usage.ts), which bill and report
 * per tenant and per day.
 */
export const businessMetricsNamespace = 'TTE';

/** The only dimension of every business metric: the deployment stage (`dev`, `staging`, `prod`, …). */
export const businessMetricsDimension = 'stage';

export const businessMetricNames = [
  'Registrations',
  'Applications',
  'Submissions',
  'Approvals',
  'Rejections',
  'CertificatesIssued',
  'CertificatesRevoked',
  'DocumentsSigned',
  'HashesSigned',
  'Verifications',
  'EmailsSent',
  'EmailsDelivered',
  'EmailsBounced',
  'EmailsComplained',
] as const;

export type BusinessMetricName = (typeof businessMetricNames)[number];
