/**
 * Who may reach the photo bucket from a browser: the pages' own origin only, to PUT a photo to its
 * presigned URL and to GET one back for the verifier's console. Declared once; the CDK bucket and
 * the local s3rver bucket are both configured from it.
 */
export function photoBucketCors(webOrigin: string) {
  return [{ allowedMethods: ['PUT', 'GET'] as const, allowedOrigins: [webOrigin], allowedHeaders: ['*'], maxAgeSeconds: 300 }];
}
