/**
 * Compares a fresh selfie with the one taken at activation (both photo objects by key). No adapter
 * is required: without one, every OTP-device request goes to a verifier. With one, a MATCH lets
 * a lost-phone request through at once; anything else still goes to a verifier.
 */
export interface FaceMatcher {
  compare(input: { freshSelfieKey: string; referenceSelfieKey: string }): Promise<'MATCH' | 'NO_MATCH' | 'UNSURE'>;
}
