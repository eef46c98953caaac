// First: Node 20 lacks Promise.withResolvers, which the local flow runner needs.
import './preamble.js';
import { optionsFromEnv, startLocalRuntime } from './runtime.js';

const started = Date.now();
const options = optionsFromEnv();
const runtime = await startLocalRuntime(options);
const { seed } = runtime;

process.stdout.write([
  '',
  `TTE service is running locally (ready in ${((Date.now() - started) / 1000).toFixed(1)} s)`,
  `  API:            ${seed.apiUrl}   (OpenAPI: ${seed.apiUrl}/openapi.json)`,
  `  Pages:          ${options.webBaseUrl ?? `${seed.apiUrl}/web`}   (log in: /login; the verifier's e-mail, password and TOTP secret are in seed.json)`,
  `  Operator:       ${options.webBaseUrl ?? `${seed.apiUrl}/web`}/console/tenants   (tenants, prices, statements, audit; the operator's credentials are in seed.json)`,
  `  Mail inbox:     ${seed.mailUrl}   (sent mail as JSON: ${seed.mailUrl}/store)`,
  `  CA:             ${seed.apiUrl}/pki/ca.pem   (CRL: ${seed.apiUrl}/pki/crl, OCSP: ${seed.apiUrl}/pki/ocsp)`,
  `  Data and seed:  ${runtime.dataDir}/seed.json`,
  `  Demo tenant:    ${seed.tenant.name} (${seed.tenant.emailDomains.join(', ')})`,
  `  Verifier key:   x-api-key: ${seed.verifier.apiKey}`,
  `  Integrator key: x-api-key: ${seed.integrator.apiKey}   (signing; HTTP Basic ${seed.integrator.keyId}:<secret in seed.json>)`,
  '',
  'Press Ctrl+C to stop.',
  '',
].join('\n'));

let stopping = false;
const shutdown = async (signal: string) => {
  if (stopping) return;
  stopping = true;
  process.stdout.write(`\n${signal} received, stopping...\n`);
  await runtime.stop();
  process.exit(0);
};
process.once('SIGINT', () => void shutdown('SIGINT'));
process.once('SIGTERM', () => void shutdown('SIGTERM'));
