import type { accountsClient, Credentials } from './accounts-flow.js';
import { sampleSelfie } from './enrollment-flow.js';
import { linkToken } from './runtime.js';

type People = ReturnType<typeof accountsClient>;

/** The certificate side of a person: set passphrase through the link, and the lifecycle routes. */
export function certificatesClient(people: People) {
  /** Takes the fresh selfie on an enroll or reset-passphrase link: upload slot, PUT, confirm. */
  const freshSelfie = async (prefix: 'enrollment' | 'reset-passphrase', token: string) => {
    const slot = await people.send('POST', `/v1/${prefix}/${token}/photos`, { body: { kind: 'SELFIE', contentType: 'image/jpeg', contentLength: sampleSelfie.length } });
    if (slot.status !== 201) throw new Error(`selfie slot: ${slot.status} ${slot.text}`);
    const put = await fetch(String(slot.body.uploadUrl), { method: 'PUT', headers: slot.body.uploadHeaders as Record<string, string>, body: sampleSelfie });
    if (put.status !== 200) throw new Error(`selfie upload: ${put.status}`);
    return people.send('POST', `/v1/${prefix}/${token}/photos/${String(slot.body.photoId)}/confirm`);
  };

  /** The set-passphrase link of the n-th "[TTE] Set Passphrase" mail. */
  const enrollToken = async (email: string, nth = 1) => linkToken(await people.waitForNthMail(email, '[TTE] Set Passphrase', nth), 'enroll');

  /** Selfie, passphrase and agreement on an enroll link: the issued certificate. */
  const enroll = async (token: string, passphrase: string) => {
    const selfie = await freshSelfie('enrollment', token);
    if (selfie.status !== 200) throw new Error(`selfie: ${selfie.status} ${selfie.text}`);
    return people.send('POST', `/v1/enrollment/${token}`, { body: { passphrase, passphraseConfirmation: passphrase, acceptAgreement: true } });
  };

  const myCertificates = async (auth: Credentials) => (await people.send('GET', '/v1/me/certificates', { auth })).body.items as Record<string, any>[];

  /**
   * An approved person sets up the account (password + authenticator) and signs in: the session,
   * and the set-passphrase link the approval sent. With a passphrase, the first certificate too.
   */
  const holder = async (
    approved: Promise<{ userId: string; setupToken: string }>,
    email: string,
    password: string,
    passphrase?: string,
  ) => {
    const { userId, setupToken } = await approved;
    const secret = await people.setUpAccount(setupToken, password, 'Ponsel kerja');
    const session = await people.logIn(email, password, [secret]);
    const token = await enrollToken(email);
    const auth: Credentials = { bearer: session.sessionToken };
    if (passphrase === undefined) return { userId, auth, enrollToken: token, certificate: undefined };
    const issued = await enroll(token, passphrase);
    if (issued.status !== 201) throw new Error(`enroll: ${issued.status} ${issued.text}`);
    return { userId, auth, enrollToken: token, certificate: issued.body.certificate as Record<string, string> };
  };

  return { freshSelfie, enrollToken, enroll, myCertificates, holder };
}

export interface PolriOfficer {
  fullName: string;
  email: string;
  nik: string;
  nrp: string;
  position: string;
  unitName: string;
}

/** In the shipped registry fixture (as POLRI): approved automatically. */
export const budiSantoso: Omit<PolriOfficer, 'email'> = {
  fullName: 'Budi Santoso', nik: '7271011503850002', nrp: '85031501', position: 'Kepala Urusan Teknologi Informasi', unitName: 'Bidang TIK',
};

/** A Polri officer registered, activated (NRP) and approved by the registry: gives the setup token. */
export async function approvedOfficer(people: People, person: PolriOfficer) {
  const { userId, token } = await people.enrollment.register(person.fullName, person.email);
  await people.enrollment.activate(token, { fullName: person.fullName, nik: person.nik }, {
    employmentType: 'POLRI', nrp: person.nrp, position: person.position, unitName: person.unitName, province: '72', city: '72.71',
  });
  const submitted = await people.enrollment.submitAfterReading(token);
  if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const info = await people.enrollment.waitForMail(person.email, '[TTE] Informasi Akun');
  return { userId, setupToken: linkToken(info, 'account-setup') };
}

export { openssl } from '../openssl.js';
