import { generateSecret, generateURI, verify } from 'otplib';
import QRCode from 'qrcode';

/** TOTP as every authenticator app does it: SHA-1, 6 digits, 30-second steps. */
export const OTP_PERIOD_SECONDS = 30;
export const otpCodePattern = /^\d{6}$/;

export function newOtpSecret(): string {
  return generateSecret();
}

/** What an authenticator app scans: issuer = the service's name, label = the user's e-mail. */
export function otpauthUri(issuer: string, label: string, secret: string): string {
  return generateURI({ issuer, label, secret });
}

export async function qrPngDataUrl(text: string): Promise<string> {
  return QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: 2, width: 240 });
}

export type OtpCheck = { valid: true; timeStep: number } | { valid: false; reused: boolean };

/**
 * Checks a code at `now` with one step of clock drift either way. A code whose time step is not
 * after `lastAcceptedStep` was used already (or is older than one that was): refused as a replay.
 */
export async function checkOtp(secret: string, code: string, now: Date, lastAcceptedStep?: number): Promise<OtpCheck> {
  if (!otpCodePattern.test(code)) return { valid: false, reused: false };
  const epoch = Math.floor(now.getTime() / 1000);
  const options = { secret, token: code, epoch, epochTolerance: OTP_PERIOD_SECONDS };
  // otplib throws for an afterTimeStep past the window's last step (the last code was accepted on
  // a clock further ahead); nothing in the window is newer then, so the window's end says the same.
  const afterTimeStep = lastAcceptedStep === undefined ? undefined : Math.min(lastAcceptedStep, Math.floor(epoch / OTP_PERIOD_SECONDS) + 1);
  const result = await verify(afterTimeStep === undefined ? options : { ...options, afterTimeStep });
  // TOTP results carry the matched time step (HOTP ones, in the same union, do not).
  if (result.valid && 'timeStep' in result) return { valid: true, timeStep: result.timeStep };
  if (lastAcceptedStep === undefined) return { valid: false, reused: false };
  return { valid: false, reused: (await verify(options)).valid };
}

/** The sealing context of a device's TOTP secret: it opens for that user's device only. */
export const otpSecretSealingContext = (userId: string, deviceId: string) => ({ purpose: 'otp-device', userId, deviceId });
