import { html, type Html } from './html.js';
import { stylesheet } from './style.js';

export interface PageContent {
  /** The browser tab's title; " — Layanan TTE" is added. */
  title: string;
  /** The page's one h1. */
  heading: string;
  body: Html;
  /** The page script's URL, on pages where the browser must act (photos, timers, checklists). */
  script?: string;
  /** Links for a signed-in person (their pages, sign out), shown in the header. */
  nav?: Html;
}

/**
 * A whole page: Indonesian, one h1, viewport for phones, a skip link, and the stylesheet from the
 * service itself. `basePath` is where the pages live (the path of the web base URL, e.g. /web).
 */
export function renderPage(basePath: string, content: PageContent): string {
  const base = basePath.replace(/\/+$/, '');
  return `<!doctype html>\n${html`<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${content.title} — Layanan TTE</title>
<link rel="stylesheet" href="${base}/assets/${stylesheet.name}">
${content.script ? html`<script src="${content.script}" defer></script>` : ''}
</head>
<body>
<a class="skip-link" href="#isi">Langsung ke isi</a>
<header class="site-header"><a class="site-name" href="${base || '/'}">Layanan Tanda Tangan Elektronik</a>${content.nav ?? ''}</header>
<div class="container">
<main id="isi">
<h1>${content.heading}</h1>
${content.body}
</main>
</div>
<footer class="site-footer container">Layanan ini diselenggarakan oleh Dinas Komunikasi dan Informatika untuk instansi pemerintah. <a href="${base}/help">Bantuan</a></footer>
</body>
</html>`.markup}\n`;
}

/** The path part of the web base URL (where the pages are served). */
export const basePathOf = (webBaseUrl: string) => new URL(webBaseUrl).pathname.replace(/\/+$/, '');
