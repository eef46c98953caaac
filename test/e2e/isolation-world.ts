import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { ahmadFauzi, accountsClient, sitiAminah, type Answer, type Credentials } from './accounts-flow.js';
import { addOtherTenant, linkToken, type bootLocalRuntime } from './runtime.js';

/**
 * Two agencies with every kind of caller each, made through the service's own flows (invitation,
 * registry approval, account setup, login, key creation), and the records of each that the
 * isolation matrix points at. Also: which strings belong to which tenant, to find them where
 * they must not be.
 */

export type Side = 'own' | 'other';
export type Runtime = Awaited<ReturnType<typeof bootLocalRuntime>>;

export interface Login { email: string; password: string; secrets: string[] }

export interface PersonOf { userId: string; email: string; fullName: string; session: { sessionToken: string; csrfToken: string }; login: Login }

export interface IntegratorKey { keyId: string; secret: string; apiKey: string }

export interface World {
  tenantId: Record<Side, string>;
  tenantName: Record<Side, string>;
  user: Record<Side, PersonOf>;
  verifier: Record<Side, PersonOf>;
  operator: PersonOf;
  verifierKey: Record<Side, string>;
  operatorKey: string;
  signingKey: Record<Side, IntegratorKey>;
  usersKey: Record<Side, IntegratorKey>;
  /** Records named in paths, per tenant. */
  records: {
    /** An INVITED employee (a target that stays put). */
    invitee: Record<Side, string>;
    /** A device request waiting for a selfie. */
    deviceRequest: Record<Side, string>;
    /** A pending data change of the tenant's USER. */
    dataChange: Record<Side, string>;
    /** A second device of the tenant's USER. */
    device: Record<Side, string>;
  };
  /** Strings only one tenant's records hold: another tenant's caller must never see them. */
  markers: Record<Side, string[]>;
  /** A fresh session of a person (for the cells that end the session they are sent with). */
  freshLogin(login: Login): Promise<{ sessionToken: string; csrfToken: string }>;
  http: ReturnType<typeof accountsClient>['http'];
}

const otherTenantName = 'Dinas Lain';

async function ok(step: string, answer: Promise<Answer>, status: number): Promise<Answer> {
  const got = await answer;
  if (got.status !== status) throw new Error(`${step}: ${got.status} ${got.text.slice(0, 300)}`);
  return got;
}

export async function buildWorld(runtime: Runtime): Promise<World> {
  const people = accountsClient(runtime);
  const { send } = people;
  const other = await addOtherTenant(runtime, 'isolation matrix');
  const seed = runtime.seed;
  const operatorLogin: Login = { email: seed.operator.email, password: seed.operator.password, secrets: [seed.operator.totpSecret] };
  const ownVerifierLogin: Login = { email: seed.verifier.email, password: seed.verifier.password, secrets: [seed.verifier.totpSecret] };
  const operatorSession = await people.logIn(operatorLogin.email, operatorLogin.password, operatorLogin.secrets);
  const asOperator: Credentials = { bearer: operatorSession.sessionToken };

  // The other agency's verifier: invited by the operator, set up through the e-mailed link.
  const otherVerifierEmail = 'verifikator@lain.go.id';
  await ok('invite verifier', send('POST', `/v1/tenants/${other.tenantId}/verifiers`, { auth: asOperator, body: { fullName: 'Verifikator Lain', email: otherVerifierEmail } }), 201);
  const invitation = await people.waitForNthMail(otherVerifierEmail, '[TTE] Informasi Akun', 1);
  const otherVerifierPassword = 'Rahasia-Verifikator-Lain-1!';
  const otherVerifierSecret = await people.setUpAccount(linkToken(invitation, 'account-setup'), otherVerifierPassword, 'Ponsel verifikator');
  const otherVerifierLogin: Login = { email: otherVerifierEmail, password: otherVerifierPassword, secrets: [otherVerifierSecret] };

  // A USER of each agency, both known to the registry (approved on submit).
  const ownUser = { ...sitiAminah, email: 'siti.aminah@contoh.go.id' };
  const otherUser = { ...ahmadFauzi, email: 'ahmad.fauzi@lain.go.id' };
  const password = { own: 'Rahasia-Siti-2025!', other: 'Rahasia-Ahmad-2025!' };
  const otherPeople = accountsClient({ ...runtime, seed: { verifier: { apiKey: other.verifierKey } } });
  const [ownActive, otherActive, ownVerifierSession, otherVerifierSession] = await Promise.all([
    people.activeCivilServant(ownUser, password.own),
    otherPeople.activeCivilServant(otherUser, password.other),
    people.logIn(ownVerifierLogin.email, ownVerifierLogin.password, ownVerifierLogin.secrets),
    people.logIn(otherVerifierLogin.email, otherVerifierLogin.password, otherVerifierLogin.secrets),
  ]);

  // Keys of both agencies, made as a tenant's staff makes them.
  const makeKey = async (tenantId: string, scopes: string[]): Promise<IntegratorKey> => {
    const made = await ok('create key', send('POST', `/v1/tenants/${tenantId}/api-keys`, { auth: asOperator, body: { name: `Matriks ${scopes.join('+')}`, scopes } }), 201);
    return { keyId: String(made.body.keyId), secret: String(made.body.secret), apiKey: String(made.body.apiKey) };
  };
  const ownTenant = seed.tenant.tenantId;
  const [ownSigning, otherSigning, ownUsers, otherUsers] = await Promise.all([
    makeKey(ownTenant, ['signing']), makeKey(other.tenantId, ['signing']), makeKey(ownTenant, ['users']), makeKey(other.tenantId, ['users']),
  ]);

  // Records of each agency the paths name.
  const invite = async (key: string, email: string) =>
    String((await ok('invite', send('POST', '/v1/users', { auth: { key }, body: { fullName: 'Pegawai Sasaran', email } }), 201)).body.userId);
  const [ownInvitee, otherInvitee] = await Promise.all([invite(seed.verifier.apiKey, 'sasaran@contoh.go.id'), invite(other.verifierKey, 'sasaran@lain.go.id')]);
  const [ownDevice, otherDevice] = await Promise.all([
    people.addDevice({ bearer: ownActive.session.sessionToken }, 'Ponsel cadangan'),
    otherPeople.addDevice({ bearer: otherActive.session.sessionToken }, 'Ponsel cadangan'),
  ]);
  await Promise.all([
    ok('device request', send('POST', '/v1/otp-device-requests', { body: { email: ownUser.email } }), 202),
    ok('device request', send('POST', '/v1/otp-device-requests', { body: { email: otherUser.email } }), 202),
  ]);
  const waiting = async (key: string) =>
    String((await ok('device requests', send('GET', '/v1/otp-device-requests?status=AWAITING_SELFIE', { auth: { key } }), 200)).body.items[0].requestId);
  const change = async (bearer: string) =>
    String((await ok('data change', send('POST', '/v1/me/data-change-requests', { auth: { bearer }, body: { position: 'Jabatan Matriks', reason: 'Uji matriks isolasi' } }), 201)).body.requestId);
  const [ownRequest, otherRequest, ownChange, otherChange] = await Promise.all([
    waiting(seed.verifier.apiKey), waiting(other.verifierKey), change(ownActive.session.sessionToken), change(otherActive.session.sessionToken),
  ]);

  const person = (userId: string, email: string, fullName: string, session: { sessionToken: string; csrfToken: string }, login: Login): PersonOf =>
    ({ userId, email, fullName, session: { sessionToken: session.sessionToken, csrfToken: session.csrfToken }, login });

  const world: World = {
    tenantId: { own: ownTenant, other: other.tenantId },
    tenantName: { own: seed.tenant.name, other: otherTenantName },
    user: {
      own: person(ownActive.userId, ownUser.email, ownUser.fullName, ownActive.session, { email: ownUser.email, password: password.own, secrets: [...ownActive.secrets, ownDevice.secret] }),
      other: person(otherActive.userId, otherUser.email, otherUser.fullName, otherActive.session, { email: otherUser.email, password: password.other, secrets: [...otherActive.secrets, otherDevice.secret] }),
    },
    verifier: {
      own: person(ownVerifierSession.user.userId, ownVerifierLogin.email, 'Verifikator Contoh', ownVerifierSession, ownVerifierLogin),
      other: person(otherVerifierSession.user.userId, otherVerifierEmail, 'Verifikator Lain', otherVerifierSession, otherVerifierLogin),
    },
    operator: person(operatorSession.user.userId, operatorLogin.email, 'Operator Diskominfo', operatorSession, operatorLogin),
    verifierKey: { own: seed.verifier.apiKey, other: other.verifierKey },
    operatorKey: seed.operator.apiKey,
    signingKey: { own: ownSigning, other: otherSigning },
    usersKey: { own: ownUsers, other: otherUsers },
    records: {
      invitee: { own: ownInvitee, other: otherInvitee },
      deviceRequest: { own: ownRequest, other: otherRequest },
      dataChange: { own: ownChange, other: otherChange },
      device: { own: ownDevice.deviceId, other: otherDevice.deviceId },
    },
    markers: { own: [], other: [] },
    // Each authenticator app remembers the steps it used: a person's codes come from the client that made them.
    freshLogin: (login) => (login.email === otherUser.email ? otherPeople : people).logIn(login.email, login.password, login.secrets),
    http: people.http,
  };
  for (const side of ['own', 'other'] as const) {
    world.markers[side] = [
      world.tenantId[side], world.tenantName[side],
      world.user[side].userId, world.user[side].email, world.user[side].fullName,
      world.verifier[side].userId, world.verifier[side].email, world.verifier[side].fullName,
      world.signingKey[side].keyId, world.usersKey[side].keyId,
      world.records.invitee[side], world.records.deviceRequest[side], world.records.dataChange[side], world.records.device[side],
      side === 'own' ? 'sasaran@contoh.go.id' : 'sasaran@lain.go.id',
      side === 'own' ? sitiAminah.nik : ahmadFauzi.nik,
    ];
  }
  expect(new Set([...world.markers.own, ...world.markers.other]).size).toBe(world.markers.own.length + world.markers.other.length);
  return world;
}

/** A well-formed id that names nothing. */
export const nobodysId = () => `matriks-${randomUUID()}`;
