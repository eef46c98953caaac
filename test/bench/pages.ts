/**
 * The Web pages issue's figures: per page, HTML bytes, the CSS and JS it loads (gzip), requests,
 * and the server time on the local runtime (p50/p95 of 100 sequential loads over loopback);
 * Lighthouse mobile performance and accessibility for the activation, login and console pages,
 * in the tests' Chromium. Targets: first page ≤ 50 KB transferred, server time p95 ≤ 50 ms,
 * performance ≥ 95, accessibility 100.
 */
import { gzipSync } from 'node:zlib';
import { generateSync } from 'otplib';
import { launchBrowser } from '../browser.js';
import { accountsClient, ahmadFauzi } from '../e2e/accounts-flow.js';
import { approvedOfficer, budiSantoso } from '../e2e/certificates-flow.js';
import { bootLocalRuntime } from '../e2e/runtime.js';
import { freePort } from '../../infra/local/ports.js';

const LOADS = 100;

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};
const kb = (bytes: number) => (bytes / 1024).toFixed(1);
const verdict = (ok: boolean) => (ok ? 'ok' : 'OVER TARGET');

interface PageCase {
  name: string;
  path: string;
  cookie?: string;
}

async function signIn(api: string, email: string, password: string, secret: string): Promise<string> {
  const post = (path: string, body: unknown) => fetch(`${api}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const first = (await (await post('/v1/auth/login', { email, password })).json()) as { loginTicket: string };
  const second = await post('/v1/auth/login/otp', { loginTicket: first.loginTicket, otp: generateSync({ secret }) });
  return second.headers.get('set-cookie')!.split(';')[0]!;
}

export async function pages() {
  console.log('\nWeb pages (local runtime, loopback)');
  const runtime = await bootLocalRuntime({ publicRequestFloorMs: 0, privacyMinReadSeconds: 0 });
  try {
    const people = accountsClient(runtime);
    const { token } = await people.enrollment.register('Siti Aminah', 'siti.bench@contoh.go.id');
    // A second applicant past the identity step, for the employment step (regions included).
    const later = await people.enrollment.register('Dewi Lestari', 'dewi.bench@contoh.go.id');
    await people.enrollment.call('PUT', `/v1/activation/${later.token}/identity`, { body: { fullName: 'Dewi Lestari', nik: '7271014107920002' } });
    const { setupToken } = await approvedOfficer(people, { ...budiSantoso, email: 'budi.bench@contoh.go.id' });
    const user = await people.activeCivilServant({ ...ahmadFauzi, email: 'ahmad.bench@contoh.go.id' }, 'Kantor#Palu2026');
    const { verifier } = runtime.seed;
    const verifierCookie = await signIn(runtime.api, verifier.email, verifier.password, verifier.totpSecret);
    const cases: PageCase[] = [
      { name: 'home', path: '/web' },
      { name: 'login', path: '/web/login' },
      { name: 'activation', path: `/web/activate/${token}` },
      { name: 'activation (employment)', path: `/web/activate/${later.token}` },
      { name: 'account setup', path: `/web/account-setup/${setupToken}` },
      { name: 'me', path: '/web/me', cookie: user.session.setCookie!.split(';')[0]! },
      { name: 'console', path: '/web/console', cookie: verifierCookie },
    ];

    console.log('page                       status  HTML KB (gzip)  CSS+JS KB gzip  requests  first load KB  target  p50 ms  p95 ms  target');
    const assetCache = new Map<string, number>();
    for (const page of cases) {
      const headers = page.cookie ? { cookie: page.cookie } : undefined;
      const first = await fetch(`${runtime.api}${page.path}`, { headers });
      const body = Buffer.from(await first.arrayBuffer());
      const assets = [...body.toString('utf8').matchAll(/(?:href|src)="(\/web\/assets\/[^"]+)"/g)].map((match) => match[1]!);
      let assetBytes = 0;
      for (const asset of assets) {
        if (!assetCache.has(asset)) assetCache.set(asset, gzipSync(Buffer.from(await (await fetch(`${runtime.api}${asset}`)).arrayBuffer())).length);
        assetBytes += assetCache.get(asset)!;
      }
      const times: number[] = [];
      for (let index = 0; index < LOADS; index += 1) {
        const started = performance.now();
        await (await fetch(`${runtime.api}${page.path}`, { headers })).arrayBuffer();
        times.push(performance.now() - started);
      }
      const html = gzipSync(body).length;
      const firstLoad = html + assetBytes;
      const p95 = percentile(times, 95);
      console.log(`${page.name.padEnd(26)} ${String(first.status).padStart(6)}  ${`${kb(body.length)} (${kb(html)})`.padStart(14)}  ${kb(assetBytes).padStart(14)}  ${String(1 + assets.length).padStart(8)}  ${kb(firstLoad).padStart(13)}  ${verdict(firstLoad <= 50 * 1024).padEnd(6)}  ${percentile(times, 50).toFixed(1).padStart(6)}  ${p95.toFixed(1).padStart(6)}  ${verdict(p95 <= 50)}`);
    }

    await lighthouseScores(runtime.api, cases.filter((page) => ['activation', 'login', 'console'].includes(page.name)));
  } finally {
    await runtime.shutdown();
  }
}

/** Lighthouse (pinned 12.2.3) in the tests' Chromium, mobile form factor and its default throttling. */
async function lighthouseScores(api: string, cases: readonly PageCase[]) {
  const { default: lighthouse } = await import('lighthouse');
  const port = await freePort();
  const browser = await launchBrowser([`--remote-debugging-port=${port}`]);
  try {
    console.log('\nLighthouse (mobile)        performance  target  accessibility  target');
    for (const page of cases) {
      const result = await lighthouse(`${api}${page.path}`, {
        port, output: 'json', logLevel: 'error', onlyCategories: ['performance', 'accessibility'],
        ...(page.cookie ? { extraHeaders: { Cookie: page.cookie } } : {}),
      });
      const categories = result?.lhr.categories;
      const performance = Math.round((categories?.performance?.score ?? 0) * 100);
      const accessibility = Math.round((categories?.accessibility?.score ?? 0) * 100);
      console.log(`${page.name.padEnd(26)} ${String(performance).padStart(11)}  ${verdict(performance >= 95).padEnd(6)}  ${String(accessibility).padStart(13)}  ${verdict(accessibility === 100)}`);
    }
  } finally {
    await browser.close();
  }
}
