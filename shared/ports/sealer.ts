/**
 * Seals small secrets (a link inside a pending e-mail, a TOTP secret) so the table never holds
 * them in the clear. The context is bound to the ciphertext: a sealed value only opens for the
 * record it was sealed for. AWS: KMS Encrypt/Decrypt; locally: a key file.
 */
export type SealingContext = Readonly<Record<string, string>>;

export interface Sealer {
  seal(plaintext: string, context: SealingContext): Promise<string>;
  open(sealed: string, context: SealingContext): Promise<string>;
}
