import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the pages: mobile first, system fonts (nothing fetched from elsewhere),
 * large tap targets, visible focus, high contrast. Served under a name that carries its hash, so
 * it can be cached for a year and a change is a new URL.
 */
const css = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%;text-size-adjust:100%}
body{margin:0;font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",Arial,sans-serif;font-size:1.0625rem;line-height:1.5;color:#0b0c0c;background:#f3f2f1}
a{color:#1d4f91;text-underline-offset:.15em}
a:hover{color:#003078}
a:focus,button:focus,input:focus,select:focus,textarea:focus{outline:3px solid #ffdd00;outline-offset:0;box-shadow:0 -2px #ffdd00,0 4px #0b0c0c}
.skip-link{position:absolute;left:-9999px}
.skip-link:focus{left:0.5rem;top:0.5rem;background:#ffdd00;padding:.5rem;color:#0b0c0c;z-index:10}
.site-header{background:#0b3d6e;color:#fff;padding:.75rem 1rem}
.site-header a{color:#fff;text-decoration:none;font-weight:700}
.container{max-width:40rem;margin:0 auto;padding:1rem}
main{background:#fff;padding:1.25rem 1rem 2rem;border-radius:4px}
h1{font-size:1.75rem;line-height:1.2;margin:0 0 1rem}
h2{font-size:1.3rem;margin:1.5rem 0 .5rem}
p,ul,ol{margin:0 0 1rem}
.lead{font-size:1.2rem}
.button{display:inline-block;min-height:2.75rem;padding:.6rem 1.1rem;border:0;border-radius:4px;background:#00703c;color:#fff;font:inherit;font-weight:700;text-decoration:none;cursor:pointer;box-shadow:0 2px 0 #002d18}
.button:hover{background:#005a30;color:#fff}
.notice{border-left:5px solid #1d70b8;padding:.5rem 1rem;background:#eef4fb;margin:0 0 1rem}
.site-footer{font-size:.9rem;color:#505a5f;padding:1rem}
`.trim();

const hash = createHash('sha256').update(css).digest('hex').slice(0, 12);

export const stylesheet = { name: `site.${hash}.css`, body: css, contentType: 'text/css; charset=utf-8' } as const;
