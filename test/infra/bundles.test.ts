/**
 * The functions as the stack bundles them: every one without native modules bundles cleanly, and
 * the web function, bundled by esbuild with the stack's options and the
 * page scripts inlined (infra tests skip CDK bundling, so this builds the bundle itself), then
 * its Lambda entry invoked with API Gateway events.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bundlingOptions, functionEntry } from '../../infra/constructs/service-function.js';
import { buildWebAssets, webAssetsDefine } from '../../infra/web-assets.js';

type Entry = (event: unknown, context: unknown) => Promise<APIGatewayProxyResult>;
let handler: Entry;
const outDir = mkdtempSync(join(tmpdir(), 'tte-web-bundle-'));
const saved = { ...process.env };

beforeAll(async () => {
  const outfile = join(outDir, 'index.mjs');
  await build({
    entryPoints: [functionEntry('web')], outfile, bundle: true, platform: 'node', format: 'esm',
    minify: bundlingOptions.minify, target: bundlingOptions.target, mainFields: bundlingOptions.mainFields,
    banner: { js: bundlingOptions.banner }, define: webAssetsDefine(), logLevel: 'silent',
  });
  Object.assign(process.env, {
    TABLE_NAME: 'unused', WEB_BASE_URL: 'https://tte.example.go.id/web', AWS_REGION: 'ap-southeast-3',
    CONTEXT_FUNCTIONS: JSON.stringify({ enrollment: 'enrollment-fn', accounts: 'accounts-fn', certificates: 'certificates-fn' }),
    PHOTO_UPLOAD_ORIGIN: 'https://foto.s3.ap-southeast-3.amazonaws.com',
  });
  ({ handler } = (await import(pathToFileURL(outfile).href)) as { handler: Entry });
}, 60_000);
afterAll(() => {
  process.env = saved;
  rmSync(outDir, { recursive: true, force: true });
});

const event = (resource: string, path: string, pathParameters: Record<string, string> | null = null) => ({
  resource, path, httpMethod: 'GET', headers: {}, pathParameters, queryStringParameters: null, body: null, isBase64Encoded: false,
  requestContext: { requestId: 'uji', identity: { sourceIp: '203.0.113.7' } },
});

describe('every function bundles as the stack bundles it', () => {
  // The functions with native modules (argon2) get them beside the bundle; every other one must
  // bundle without: a route table importing a use case once pulled argon2 into the docs function.
  const withoutNativeModules = ['enrollment', 'verification', 'pki', 'web', 'docs', 'flows', 'outbox', 'notices', 'delivery', 'billing', 'operator'];

  it.each(withoutNativeModules)('%s bundles with no native module left unresolved', async (context) => {
    const result = await build({
      entryPoints: [functionEntry(context)], bundle: true, platform: 'node', format: 'esm', write: false,
      target: bundlingOptions.target, mainFields: bundlingOptions.mainFields, banner: { js: bundlingOptions.banner }, logLevel: 'silent',
      ...(context === 'web' ? { define: webAssetsDefine() } : {}),
    });
    expect(result.errors).toEqual([]);
  }, 60_000);
});

describe('the bundled web function', () => {
  it('serves the page script inlined at synthesis, under its hashed name, cacheable for a year', async () => {
    const [script] = buildWebAssets();
    const answer = await handler(event('/web/assets/{file}', `/web/assets/${script!.name}`, { file: script!.name }), { awsRequestId: 'uji' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.['content-type']).toBe('text/javascript; charset=utf-8');
    expect(answer.headers?.['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(answer.body).toBe(script!.body);
  });

  it('renders a page that loads that script, with the HTML header set', async () => {
    const [script] = buildWebAssets();
    const answer = await handler(event('/web/login', '/web/login'), { awsRequestId: 'uji' });
    expect(answer.statusCode).toBe(200);
    expect(answer.headers?.['content-security-policy']).toContain("default-src 'self'");
    expect(answer.body).toContain('<h1>Masuk</h1>');
    expect(answer.body).toContain(`<script src="/web/assets/${script!.name}" defer></script>`);
    const stale = await handler(event('/web/assets/{file}', '/web/assets/app.0.js', { file: 'app.0.js' }), { awsRequestId: 'uji' });
    expect(stale.statusCode).toBe(404);
  });
});
