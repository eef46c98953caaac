/** A page of the console, for the e-mails that send a verifier or an operator there. */
export function consoleUrl(webBaseUrl: string, suffix = ''): string {
  return `${webBaseUrl.replace(/\/+$/, '')}/console${suffix}`;
}

/** A user's page in the console. */
export function consoleUserUrl(webBaseUrl: string, userId: string): string {
  return consoleUrl(webBaseUrl, `/users/${encodeURIComponent(userId)}`);
}
