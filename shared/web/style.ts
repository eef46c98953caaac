import { createHash } from 'node:crypto';

/**
 * The one stylesheet of the pages: mobile first, system fonts (nothing fetched from elsewhere),
 * large tap targets, visible focus, high contrast. Served under a name that carries its hash, so
 * it can be cached for a year and a change is a new URL.
 */
const css = `
*,*::before,*::after{box-sizing:border-box}
[hidden]{display:none!important}
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
.site-header{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;justify-content:space-between}
.site-nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
.site-nav a,.site-nav .link-button{color:#fff;font-weight:400}
.site-nav form{margin:0}
.link-button{background:none;border:0;padding:0;font:inherit;text-decoration:underline;cursor:pointer;color:#1d4f91}
.visually-hidden{position:absolute!important;width:1px;height:1px;margin:0;padding:0;overflow:hidden;clip:rect(0 0 0 0);border:0;white-space:nowrap}
.button--secondary{background:#f3f2f1;color:#0b0c0c;box-shadow:0 2px 0 #929191}
.button--secondary:hover{background:#dbdad9;color:#0b0c0c}
.button--warning{background:#d4351c;box-shadow:0 2px 0 #55150b}
.button--warning:hover{background:#aa2a16}
.field{margin:0 0 1.5rem}
.field label,.field legend{display:block;font-weight:700;margin:0 0 .25rem}
.field fieldset{border:0;margin:0;padding:0;min-width:0}
.field input[type=text],.field input[type=email],.field input[type=password],.field input[type=tel],.field input[type=date],.field select,.field textarea{display:block;width:100%;max-width:100%;min-height:2.75rem;padding:.4rem .5rem;border:2px solid #0b0c0c;border-radius:0;font:inherit;background:#fff}
.field input[type=file]{display:block;max-width:100%;font:inherit}
.field--error{border-left:5px solid #d4351c;padding-left:.75rem}
.field--error input,.field--error select{border-color:#d4351c}
.hint{color:#505a5f;margin:0 0 .4rem}
.hint ul{margin:.25rem 0 0;padding-left:1.25rem}
.field-error{color:#d4351c;font-weight:700;margin:0 0 .4rem}
.choice{display:flex;align-items:flex-start;gap:.6rem;margin:.4rem 0}
.choice input{width:1.6rem;height:1.6rem;margin:.05rem 0 0;flex:none}
.choice label{font-weight:400;margin:0}
.checklist li.met{color:#00703c}
.checklist li.met::before{content:"✓ "}
.error-summary{border:5px solid #d4351c;padding:1rem;margin:0 0 1.5rem}
.error-summary h2{margin-top:0}
.error-summary ul{margin:0;padding-left:1.25rem}
.error-summary a{color:#d4351c;font-weight:700}
.steps{padding-left:1.25rem}
.steps li{margin:.2rem 0}
.step-done{color:#00703c}
.summary{display:grid;grid-template-columns:minmax(0,1fr);margin:0 0 1rem}
.summary dt{font-weight:700;margin-top:.5rem}
.summary dt:first-child{margin-top:0}
.summary dd{margin:0;overflow-wrap:break-word}
@media (min-width:40rem){.summary{grid-template-columns:minmax(8rem,max-content) minmax(0,1fr);gap:.25rem 1rem}.summary dt{margin-top:0}}
.serial,.secret{font-family:ui-monospace,Menlo,Consolas,monospace;overflow-wrap:anywhere}
.secret{font-size:1.2rem;letter-spacing:.05em;background:#f3f2f1;padding:.5rem}
.qr{display:block;width:200px;height:200px;image-rendering:pixelated;margin:0 0 1rem}
.policy{max-height:18rem;overflow:auto;border:1px solid #b1b4b6;padding:.75rem;margin:0 0 1rem;background:#fafafa}
.policy h3{margin-top:0;font-size:1.1rem}
.photo-preview{display:block;max-width:100%;max-height:16rem;margin:0 0 1rem;border:1px solid #b1b4b6}
.camera{margin:0 0 1rem}
.camera-view{display:block;width:100%;max-height:20rem;background:#0b0c0c;margin:0 0 .5rem}
.photo-status{min-height:1.5rem}
.cards{list-style:none;padding:0}
.card{border:1px solid #b1b4b6;border-radius:4px;padding:.75rem 1rem;margin:0 0 .75rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.5rem .25rem;border-bottom:1px solid #b1b4b6;vertical-align:top}
/* self-service */
.notice--success{border-left-color:#00703c;background:#edf7f0}
/* Long e-mail addresses of verifier contacts wrap inside the box on a phone. */
.verifier-contacts ul{padding-left:1.25rem}
.verifier-contacts a{overflow-wrap:anywhere}
.status{display:inline-block;padding:.1rem .5rem;background:#f3f2f1;border:1px solid #505a5f;border-radius:2px}
.status--valid{background:#edf7f0;border-color:#00703c;color:#005a30}
.actions{display:flex;flex-wrap:wrap;gap:.75rem;margin:0 0 1rem}
.actions form{margin:0}
.card .inline-form{margin:0 0 .25rem}
.warning-text{border-left:5px solid #d4351c;padding:.5rem 1rem;margin:0 0 1.5rem;background:#fdf3f1}
.warning-text p:last-child{margin-bottom:0}
.stacked-form{margin:0 0 1.5rem}
.account-line{overflow-wrap:anywhere}
/* console */
.console-back{margin:0 0 1rem}
.console-links{padding-left:1.25rem}
.console-links li{margin:.25rem 0}
.tabs{list-style:none;padding:0;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.4rem}
.tabs a{display:inline-block;padding:.2rem .6rem;border:1px solid #b1b4b6;border-radius:4px;text-decoration:none;font-size:.95rem}
.tabs a[aria-current]{background:#0b3d6e;border-color:#0b3d6e;color:#fff;font-weight:700}
.search{display:flex;flex-wrap:wrap;align-items:flex-end;gap:0 .5rem;margin:0 0 1rem}
.search .field{flex:1 1 12rem;margin:0 0 1rem}
.search .button{margin:0 0 1rem}
.email{overflow-wrap:anywhere}
.tag{display:inline-block;padding:0 .4rem;font-size:.9rem;font-weight:700;background:#eef4fb;color:#0b3d6e;border-radius:2px}
.pager{display:flex;flex-wrap:wrap;gap:1rem}
.photo-pair{display:grid;grid-template-columns:repeat(2,minmax(0,1fr));gap:.75rem;margin:0 0 .5rem}
.photo-pair figure{margin:0}
.photo-pair img{display:block;width:100%;height:auto;max-height:18rem;object-fit:contain;background:#f3f2f1;border:1px solid #b1b4b6}
.photo-pair figcaption{font-size:.9rem;color:#505a5f}
.photo-missing{border:1px dashed #b1b4b6;padding:1rem .5rem;text-align:center;color:#505a5f;margin:0}
.console-decision form{margin:0 0 1.5rem}
.field--error textarea{border-color:#d4351c}
.field textarea.csv{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.95rem}
.table-wrap{overflow-x:auto;margin:0 0 1rem}
.table-wrap caption{text-align:left;font-weight:700;padding:0 0 .25rem}
.import-result td:last-child{overflow-wrap:anywhere}
.row-rejected td:nth-child(2){color:#d4351c;font-weight:700}
.history{list-style:none;padding:0}
.history li{margin:0 0 .75rem;padding-left:.75rem;border-left:3px solid #b1b4b6;overflow-wrap:anywhere}
.history .hint{margin:0}
.audit-heading{overflow-wrap:anywhere}
.console-decision form+form{border-top:1px solid #b1b4b6;padding-top:1rem}
.csv-example{overflow-wrap:anywhere}
.secret{display:block;overflow-wrap:anywhere;background:#f3f2f1;padding:.5rem;line-height:1.6;font-size:.95rem}
.device-request h3{margin:0 0 .5rem;font-size:1.15rem}
/* signing and verification */
.details{margin:0 0 1.5rem}
.details summary{color:#1d4f91;text-decoration:underline;cursor:pointer;margin:0 0 .75rem}
.visible-options{border-left:4px solid #b1b4b6;padding-left:1rem;margin:0 0 1.5rem}
.visible-options h2{margin-top:0}
.pdf-preview{margin:0 0 1.5rem}
.pdf-preview__page{position:relative;max-width:100%}
.pdf-preview__canvas{display:block;max-width:100%;border:1px solid #505a5f;background:#fff;cursor:crosshair;touch-action:manipulation}
.pdf-preview__stamp{position:absolute;display:flex;align-items:center;justify-content:center;border:2px dashed #1d4f91;background:rgba(29,79,145,.15);color:#0b3d6e;font-size:.75rem;font-weight:700;line-height:1.1;text-align:center;pointer-events:none;overflow:hidden}
.panel{padding:1rem 1.25rem;margin:0 0 1.5rem;border-radius:2px;background:#00703c;color:#fff}
.panel p{margin:0 0 .25rem}
.panel p:last-child{margin-bottom:0}
.panel__title{font-size:1.5rem;font-weight:700;line-height:1.25}
.panel--invalid{background:#d4351c}
.panel--indeterminate{background:#ffdd00;color:#0b0c0c}
.panel--none{background:#505a5f}
.document-name,.signature-card h3{overflow-wrap:anywhere}
.document-card .document-name{font-weight:700}
.document-card p:last-child,.signature-card>:last-child{margin-bottom:0}
.visible-options input[inputmode=numeric]{max-width:8rem}
.visible-options legend{padding:0}
.signature-card h3{margin:0 0 .5rem;font-size:1.15rem}
.status--invalid{background:#fdf3f1;border-color:#d4351c;color:#aa2a16}
.status--unsure{background:#fff7bf;border-color:#0b0c0c}
.sign-form,.verify-form{margin:0 0 1.5rem}
.check--ok{color:#005a30;font-weight:700}
.check--bad{color:#d4351c;font-weight:700}
.check--unsure{color:#0b0c0c;font-weight:700}
/* usage, statements and prices */
.chart{display:block;width:100%;height:auto;margin:0 0 .5rem}
.legend{list-style:none;padding:0;margin:0 0 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;font-size:.95rem}
.legend li{display:flex;align-items:center;gap:.35rem}
.legend svg{flex:none}
.num{text-align:right;white-space:nowrap}
.statement-table th,.statement-table td{padding:.5rem .25rem}
.statement-table tfoot th,.statement-table tfoot td{font-weight:700;border-top:2px solid #0b0c0c;border-bottom:0}
.statement-table .hint{display:block;margin:0;font-size:.9rem;font-weight:400}
.statement-table thead .num{white-space:normal}
.usage-table{font-size:.9rem}
.usage-table th,.usage-table td{padding:.3rem .4rem}
.usage-table td:first-child{white-space:nowrap}
.filters{display:flex;flex-wrap:wrap;align-items:flex-end;gap:0 .75rem;margin:0 0 1rem}
.filters .field{flex:1 1 12rem;margin:0 0 1rem}
.filters .button{margin:0 0 1rem}
.price-fields{display:grid;grid-template-columns:minmax(0,1fr);gap:0 1rem}
@media (min-width:40rem){.price-fields{grid-template-columns:repeat(2,minmax(0,1fr))}}
/* A user's e-mails in the console, laid out as the history; a bounce's reason quotes the server, which may be long. */
.email-status{list-style:none;padding:0}
.email-status li{margin:0 0 .75rem;padding-left:.75rem;border-left:3px solid #b1b4b6;overflow-wrap:anywhere}
.status--problem{background:#fdf3f1;border-color:#d4351c;color:#942514}
`.trim();

const hash = createHash('sha256').update(css).digest('hex').slice(0, 12);

export const stylesheet = { name: `site.${hash}.css`, body: css, contentType: 'text/css; charset=utf-8' } as const;
