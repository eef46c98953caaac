import { buildSync } from 'esbuild';
import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import type { WebAsset } from '../functions/web/assets.js';

const entry = fileURLToPath(new URL('../functions/web/browser/main.ts', import.meta.url));

/**
 * The pages' script, bundled and minified by esbuild under a name carrying its content hash.
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
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
  return [{ name: `app.${hash}.js`, body, contentType: 'text/javascript; charset=utf-8' }];
}

/** esbuild's `define` that inlines the page scripts into the web function's bundle (read by functions/web/assets.ts). */
export const webAssetsDefine = (): Record<string, string> => ({ __TTE_WEB_ASSETS__: JSON.stringify(JSON.stringify(buildWebAssets())) });
