import { stylesheet } from '../../shared/web/style.js';

/** A file the pages load: its name carries its content hash, so it is cached for a year. */
export interface WebAsset {
  name: string;
  body: string;
  contentType: string;
}

// Set by esbuild's `define` when the stack bundles this function (infra/web-assets.ts builds it).
declare const __TTE_WEB_ASSETS__: string | undefined;

/** The scripts bundled into this function at synthesis; none when run unbundled. */
export const bundledAssets = (): WebAsset[] =>
  (typeof __TTE_WEB_ASSETS__ === 'string' ? (JSON.parse(__TTE_WEB_ASSETS__) as WebAsset[]) : []);

/**
 * Every asset by name: the stylesheet and the scripts. The first script is the pages' own; PDF.js
 * (library and worker, for the sign page's preview) is found by its names' stems.
 */
export function assetCatalog(scripts: readonly WebAsset[]): { byName: ReadonlyMap<string, WebAsset>; script?: WebAsset; pdfjs?: { library: WebAsset; worker: WebAsset } } {
  const all = [stylesheet, ...scripts];
  const library = scripts.find((asset) => asset.name.startsWith('pdf.'));
  const worker = scripts.find((asset) => asset.name.startsWith('pdf-worker.'));
  return {
    byName: new Map(all.map((asset) => [asset.name, asset])),
    ...(scripts[0] ? { script: scripts[0] } : {}),
    ...(library && worker ? { pdfjs: { library, worker } } : {}),
  };
}
