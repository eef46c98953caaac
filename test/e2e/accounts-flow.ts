import { generateSync } from 'otplib';
import { client, eventually } from './enrollment-flow.js';
import { linkToken, mailTo, type Mail } from './runtime.js';

/** How a request proves who sends it: a Bearer session, the session cookie (with or without CSRF), an API key. */
export interface Credentials {
  bearer?: string;
  cookie?: string;
  csrf?: string;
  key?: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  body: Record<string, any>;
}

export interface Exchange {
  method: string;
  path: string;
  status: number;
  text: string;
}

/**
 * The HTTP side of a person or a tool: any method and path, any credential, JSON or a raw body.
 * Every answer is kept in `exchanges`, so a test can look for secrets in all of them afterwards.
 */
export function httpClient(api: string) {
  const exchanges: Exchange[] = [];
  const send = async (
    method: string,
    path: string,
    options: { auth?: Credentials; body?: unknown; raw?: { body: string; contentType: string }; headers?: Record<string, string> } = {},
  ): Promise<Answer> => {
    const { auth = {}, body, raw } = options;
    const headers: Record<string, string> = {
      ...(auth.bearer ? { authorization: `Bearer ${auth.bearer}` } : {}),
      ...(auth.cookie ? { cookie: `tte_session=${auth.cookie}` } : {}),
      ...(auth.csrf ? { 'x-csrf-token': auth.csrf } : {}),
      ...(auth.key ? { 'x-api-key': auth.key } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(raw ? { 'content-type': raw.contentType } : {}),
      ...options.headers,
    };
    const payload = raw ? raw.body : body !== undefined ? JSON.stringify(body) : undefined;
    const response = await fetch(`${api}${path}`, { method, headers, ...(payload !== undefined ? { body: payload } : {}) });
    const text = await response.text();
    let parsed: Record<string, any> = {};
    if (text && /json/.test(response.headers.get('content-type') ?? '')) parsed = JSON.parse(text) as Record<string, any>;
    exchanges.push({ method, path, status: response.status, text });
    return { status: response.status, headers: response.headers, text, body: parsed };
  };
  return { send, exchanges };
}

const STEP_MS = 30_000;

/**
 * Authenticator apps for the test's people. The server refuses a device's code for a time step it
 * already accepted and takes one step of drift either way, so each secret is good for its current
 * step and the next one; a third use waits for the clock (flows are planned so that it never does).
 */
export class Authenticators {
  private readonly lastStep = new Map<string, number>();
  /** Every code handed out, to check later that none was echoed anywhere. */
  readonly issued: string[] = [];

  /** The step the next code of this secret would be for, and how long it must wait for it. */
  private nextStep(secret: string): { step: number; waitMs: number } {
    const now = Date.now();
    const current = Math.floor(now / STEP_MS);
    const last = this.lastStep.get(secret);
    const step = last === undefined ? current : Math.max(current, last + 1);
    // The server's clock may move on while the request travels: never offer a step already behind.
    return { step, waitMs: step <= current + 1 ? 0 : (step - 1) * STEP_MS - now + 50 };
  }

  /** A code the server will take from this secret (its step then counts as used). */
  async code(secret: string): Promise<string> {
    let next = this.nextStep(secret);
    if (next.waitMs > 0) {
      await new Promise((resolve) => setTimeout(resolve, next.waitMs));
      next = this.nextStep(secret);
    }
    this.lastStep.set(secret, next.step);
    const code = generateSync({ secret, epoch: next.step * (STEP_MS / 1000) });
    this.issued.push(code);
    return code;
  }

  /** Of several devices of one person, the one that can give a code soonest. */
  pick(secrets: readonly string[]): string {
    const [best] = [...secrets].sort((a, b) => this.nextStep(a).step - this.nextStep(b).step);
    if (!best) throw new Error('No authenticator to pick from');
    return best;
  }

  /** Six digits no step around now gives for this secret: a wrong code, for certain. */
  wrongCode(secret: string): string {
    const current = Math.floor(Date.now() / STEP_MS);
    const valid = new Set([-2, -1, 0, 1, 2].map((offset) => generateSync({ secret, epoch: (current + offset) * (STEP_MS / 1000) })));
    for (let candidate = 0; ; candidate += 1) {
      const code = String(candidate * 7919 % 1_000_000).padStart(6, '0');
      if (!valid.has(code)) return code;
    }
  }
}

export interface CivilServant {
  fullName: string;
  email: string;
  nik: string;
  nip: string;
  position: string;
  unitName: string;
}

/** In the shipped registry fixture: approved automatically. */
export const sitiAminah: Omit<CivilServant, 'email'> = {
  fullName: 'Siti Aminah', nik: '7271015503850001', nip: '198503152010012003', position: 'Analis Kebijakan Ahli Muda', unitName: 'Bidang Aplikasi Informatika',
};
export const ahmadFauzi: Omit<CivilServant, 'email'> = {
  fullName: 'Ahmad Fauzi', nik: '7271010101900003', nip: '199001012015031001', position: 'Pranata Komputer Ahli Pertama', unitName: 'Bidang Persandian',
};

export interface Session {
  sessionToken: string;
  csrfToken: string;
  expiresAt: string;
  user: { userId: string; role: string; tenantId: string };
  setCookie: string | null;
}

/**
 * Accounts over HTTP for one local runtime: the enrollment client's steps up to approval, then
 * account setup, login and devices as the web pages call them.
 */
export function accountsClient(runtime: { api: string; mail: string; seed: { verifier: { apiKey: string } } }) {
  const enrollment = client(runtime.api, runtime.mail, runtime.seed.verifier.apiKey);
  const http = httpClient(runtime.api);
  const otp = new Authenticators();

  const fail = (step: string, answer: Answer): never => {
    throw new Error(`${step}: ${answer.status} ${answer.text}`);
  };

  /** All mails to `to` with this subject, in the order sent. */
  const mailsWith = async (to: string, subject: string): Promise<Mail[]> =>
    (await mailTo(runtime.mail, to)).filter((mail) => mail.subject === subject);

  /** Waits for the `count`-th mail with this subject (1 = the first) and gives it. */
  const waitForNthMail = (to: string, subject: string, count: number): Promise<Mail> =>
    eventually(async () => (await mailsWith(to, subject))[count - 1], `mail #${count} "${subject}" to ${to}`);

  /** Registered, activated and approved by the registry: gives the "[TTE] Informasi Akun" mail. */
  const approvedCivilServant = async (person: CivilServant) => {
    const { userId, token } = await enrollment.register(person.fullName, person.email);
    await enrollment.activate(token, { fullName: person.fullName, nik: person.nik }, {
      employmentType: 'ASN', nip: person.nip, position: person.position, unitName: person.unitName, province: '72', city: '72.71',
    });
    const submitted = await enrollment.submitAfterReading(token);
    if (submitted.status !== 202) throw new Error(`submit: ${submitted.status} ${JSON.stringify(submitted.body)}`);
    const info = await enrollment.waitForMail(person.email, '[TTE] Informasi Akun');
    return { userId, info, setupToken: linkToken(info, 'account-setup') };
  };

  /** Opens the account-setup page, scans its secret and completes setup. Gives the secret. */
  const setUpAccount = async (setupToken: string, password: string, deviceName: string): Promise<string> => {
    const page = await http.send('GET', `/v1/account-setup/${setupToken}`);
    if (page.status !== 200) fail('account-setup page', page);
    const secret = String(page.body.otp.secret);
    const done = await http.send('POST', `/v1/account-setup/${setupToken}`, { body: { password, deviceName, otp: await otp.code(secret) } });
    if (done.status !== 204) fail('account setup', done);
    return secret;
  };

  /** Both login steps with a code from whichever of the person's devices is ready. */
  const logIn = async (email: string, password: string, secrets: readonly string[]): Promise<Session> => {
    const first = await http.send('POST', '/v1/auth/login', { body: { email, password } });
    if (first.status !== 200) fail('login', first);
    const second = await http.send('POST', '/v1/auth/login/otp', { body: { loginTicket: first.body.loginTicket, otp: await otp.code(otp.pick(secrets)) } });
    if (second.status !== 200) fail('login OTP', second);
    return { ...(second.body as Omit<Session, 'setCookie'>), setCookie: second.headers.get('set-cookie') };
  };

  /** A signed-in person adds a device (scan, first code). Gives its id and secret. */
  const addDevice = async (auth: Credentials, deviceName: string) => {
    const setup = await http.send('POST', '/v1/me/device-setups', { auth });
    if (setup.status !== 201) fail('device setup', setup);
    const secret = String(setup.body.otp.secret);
    const added = await http.send('POST', '/v1/me/devices', { auth, body: { setupId: setup.body.setupId, deviceName, otp: await otp.code(secret) } });
    if (added.status !== 201) fail('add device', added);
    return { deviceId: String(added.body.deviceId), secret };
  };

  /** An ACTIVE user with one device and a session. */
  const activeCivilServant = async (person: CivilServant, password: string) => {
    const { userId, setupToken } = await approvedCivilServant(person);
    const secret = await setUpAccount(setupToken, password, 'Ponsel kerja');
    const session = await logIn(person.email, password, [secret]);
    return { userId, secrets: [secret], session };
  };

  return { enrollment, http, send: http.send, otp, mailsWith, waitForNthMail, approvedCivilServant, setUpAccount, logIn, addDevice, activeCivilServant };
}
