import { describe, expect, it } from 'vitest';
import { loginActions, type loginRoutes } from '../../functions/web/flows/login.js';
import type { WebDeps } from '../../functions/web/kit.js';
import { errorCatalog } from '../../shared/domain/errors.js';
import type { Reply, RouteRequest } from '../../shared/http/route.js';
import type { ApiAnswer, ApiCall, ApiClient } from '../../shared/ports/api-client.js';

const SESSION_COOKIE = 'tte_session=c2Vzc2lvbi10b2tlbg; Path=/; HttpOnly; Secure; SameSite=Lax';
const TICKET = 'login-ticket-1';

type Role = 'USER' | 'VERIFIER' | 'OPERATOR';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): ApiAnswer => ({
  status,
  headers: { 'content-type': status >= 400 ? 'application/problem+json' : 'application/json; charset=utf-8', ...headers },
  body: Buffer.from(JSON.stringify(body)),
});

/** The accounts context as the login pages see it: step 1 gives a ticket, step 2 a session for `role`. */
function fakeAccounts(options: { role?: Role; otpProblem?: keyof typeof errorCatalog } = {}) {
  const calls: ApiCall[] = [];
  const api: ApiClient = {
    send: async (call) => {
      calls.push(call);
      if (call.context === 'accounts' && call.method === 'POST' && call.resource === '/v1/auth/login') {
        return json(200, { loginTicket: TICKET, devices: [{ deviceId: 'dev-1', name: 'Ponsel' }] });
      }
      if (call.context === 'accounts' && call.method === 'POST' && call.resource === '/v1/auth/login/otp') {
        if (options.otpProblem) {
          const entry = errorCatalog[options.otpProblem];
          return json(entry.status, { status: entry.status, code: options.otpProblem, detail: entry.id, errors: [] });
        }
        return json(200, {
          sessionToken: 'c2Vzc2lvbi10b2tlbg', csrfToken: 'csrf-1', expiresAt: '2026-01-01T12:00:00.000Z',
          user: { userId: 'user-1', role: options.role ?? 'USER', tenantId: 'tenant-a' },
        }, { 'set-cookie': SESSION_COOKIE });
      }
      return json(404, { status: 404, code: 'ROUTE_NOT_FOUND', detail: errorCatalog.ROUTE_NOT_FOUND.id, errors: [] });
    },
  };
  return { api, calls };
}

const depsWith = (api: ApiClient): WebDeps => ({ api, basePath: '/web', apiBasePath: '', photoOrigins: [] });

/** A posted form as the kernel hands it to either login step (both take the same form body). */
type FormRequest = RouteRequest<typeof loginRoutes.login> & RouteRequest<typeof loginRoutes.loginOtp>;

function formRequest(body: Record<string, string>): FormRequest {
  return {
    params: undefined,
    query: undefined,
    body,
    actor: undefined,
    requestId: 'req-login-1',
    sourceIp: '203.0.113.9',
    language: 'id',
    headers: { cookie: 'tte_pref=1', 'content-type': 'application/x-www-form-urlencoded' },
  };
}

const otpStep = (lanjut: string | undefined, role: Role = 'USER') => {
  const { api, calls } = fakeAccounts({ role });
  const body: Record<string, string> = { loginTicket: TICKET, otp: ' 123456 ', ...(lanjut === undefined ? {} : { lanjut }) };
  return { calls, reply: loginActions(depsWith(api)).loginOtp(formRequest(body)) };
};

const bodyOf = (reply: Reply) => String(reply.body ?? '');

const OFFSITE = [
  'https://evil.example',
  'https://evil.example/web/me',
  '//evil.example',
  '//evil.example/web/me',
  '/web\\..',
  '/web\\\\evil.example',
  '/\\evil.example',
  '/other',
  '/webevil.example',
  '/web',
  '/web/ me',
  '/web/\t//evil.example',
  'javascript:alert(1)',
  '',
];

describe('after the OTP step, the person lands on a page of this service', () => {
  it('honours lanjut when it is a page of this service', async () => {
    const { reply, calls } = otpStep('/web/me');
    const answer = await reply;
    expect(answer.status).toBe(303);
    expect(answer.headers?.location).toBe('/web/me');
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0]?.body?.toString('utf8') ?? '')).toEqual({ loginTicket: TICKET, otp: '123456' });
  });

  it('keeps the path and query of a deeper page', async () => {
    const answer = await otpStep('/web/me/certificates?status=ACTIVE', 'VERIFIER').reply;
    expect(answer.headers?.location).toBe('/web/me/certificates?status=ACTIVE');
  });

  it.each(OFFSITE)('sends a USER to /web/me instead of %j', async (lanjut) => {
    const answer = await otpStep(lanjut, 'USER').reply;
    expect(answer.status).toBe(303);
    expect(answer.headers?.location).toBe('/web/me');
  });

  it.each(OFFSITE)('sends a VERIFIER to /web/console instead of %j', async (lanjut) => {
    const answer = await otpStep(lanjut, 'VERIFIER').reply;
    expect(answer.status).toBe(303);
    expect(answer.headers?.location).toBe('/web/console');
  });

  it.each([['USER', '/web/me'], ['VERIFIER', '/web/console'], ['OPERATOR', '/web/console']] as const)(
    'sends a %s without lanjut to %s',
    async (role, location) => {
      expect((await otpStep(undefined, role).reply).headers?.location).toBe(location);
    },
  );

  it('passes the session cookie from the API on in the 303 answer, never cached', async () => {
    const answer = await otpStep('/web/me').reply;
    expect(answer.headers?.['set-cookie']).toBe(SESSION_COOKIE);
    expect(answer.headers?.['cache-control']).toBe('no-store');
    expect(answer.body).toBeUndefined();
  });
});

describe('the login steps carry lanjut on only when it is safe', () => {
  it('puts a page of this service into the OTP form after the password step', async () => {
    const { api, calls } = fakeAccounts();
    const answer = await loginActions(depsWith(api)).login(formRequest({ email: ' siti@contoh.go.id ', password: 'Rahasia#2025', lanjut: '/web/me' }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(calls[0]?.body?.toString('utf8') ?? '')).toEqual({ email: 'siti@contoh.go.id', password: 'Rahasia#2025' });
    expect(bodyOf(answer)).toContain(`<input type="hidden" name="loginTicket" value="${TICKET}">`);
    expect(bodyOf(answer)).toContain('<input type="hidden" name="lanjut" value="/web/me">');
    expect(bodyOf(answer)).not.toContain('Rahasia#2025');
  });

  it.each(['https://evil.example', '//evil.example', '/web\\..', '/other'])('drops %j from the OTP form', async (lanjut) => {
    const { api } = fakeAccounts();
    const answer = await loginActions(depsWith(api)).login(formRequest({ email: 'siti@contoh.go.id', password: 'Rahasia#2025', lanjut }));
    expect(answer.status).toBe(200);
    expect(bodyOf(answer)).not.toContain('name="lanjut"');
    expect(bodyOf(answer)).not.toContain('evil.example');
  });

  it('keeps the ticket and a safe lanjut when the code is wrong, with the error beside the OTP field and no redirect', async () => {
    const { api } = fakeAccounts({ otpProblem: 'INVALID_OTP' });
    const answer = await loginActions(depsWith(api)).loginOtp(formRequest({ loginTicket: TICKET, otp: '000000', lanjut: '/web/me' }));
    expect(answer.status).toBe(422);
    expect(answer.headers?.location).toBeUndefined();
    expect(answer.headers?.['set-cookie']).toBeUndefined();
    const page = bodyOf(answer);
    expect(page).toContain(`name="loginTicket" value="${TICKET}"`);
    expect(page).toContain('<input type="hidden" name="lanjut" value="/web/me">');
    expect(page).toContain('<a href="#f-otp">');
    expect(page).toContain('aria-invalid="true"');
  });

  it('drops an unsafe lanjut from the OTP form shown again after a wrong code', async () => {
    const { api } = fakeAccounts({ otpProblem: 'INVALID_OTP' });
    const answer = await loginActions(depsWith(api)).loginOtp(formRequest({ loginTicket: TICKET, otp: '000000', lanjut: '//evil.example' }));
    expect(bodyOf(answer)).not.toContain('evil.example');
  });
});
