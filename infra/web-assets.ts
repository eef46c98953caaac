import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { WebAsset } from '../functions/web/assets.js';

const entry = fileURLToPath(new URL('../functions/web/browser/main.ts', import.meta.url));
const require = createRequire(import.meta.url);

/**
 * The pages' script, bundled and minified by esbuild under a name carrying its content hash (the
 * first asset), then PDF.js for the sign page's preview.
 * Built when the stack is synthesized (and inlined into the web function) and when the local
 * runtime starts: the same bytes either way.
 */
export function buildWebAssets(): WebAsset[] {
  const result = buildSync({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: 'iife',
    // Android phones a few years old: Chrome 87 and Samsung Internet of the same age.
    target: ['chrome87', 'safari14', 'firefox78'],
    legalComments: 'none',
    write: false,
  });
  const body = result.outputFiles[0]!.text;
  return [hashed('app', 'js', body), ...pdfjsAssets()];
}

const hashed = (stem: string, extension: string, body: string): WebAsset =>
  ({ name: `${stem}.${createHash('sha256').update(body).digest('hex').slice(0, 12)}.${extension}`, body, contentType: 'text/javascript; charset=utf-8' });

/**
 * PDF.js for the sign page's preview, served by us (no third-party host): its library and its
 * worker as they are published (the legacy build, for phones a few years old), loaded by the page
 * script only on that page. Names start with `pdf.` and `pdf-worker.` (functions/web/assets.ts).
 */
function pdfjsAssets(): WebAsset[] {
  const build = (file: string) => readFileSync(require.resolve(`pdfjs-dist/legacy/build/${file}`), 'utf8');
  return [hashed('pdf', 'mjs', build('pdf.min.mjs')), hashed('pdf-worker', 'mjs', build('pdf.worker.min.mjs'))];
}

/** esbuild's `define` that inlines the page scripts into the web function's bundle (read by functions/web/assets.ts). */
export const webAssetsDefine = (): Record<string, string> => ({ __TTE_WEB_ASSETS__: JSON.stringify(JSON.stringify(buildWebAssets())) });
