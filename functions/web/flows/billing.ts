import * as z from 'zod';
import {
  currentPeriod, dayRangeLabel, eventLabels, formatNumber, formatRupiah, monthNames, periodBounds, periodLabel, shiftPeriod,
  type Prices, type Statement,
} from '../../../shared/domain/billing.js';
import { fieldErrorCatalog } from '../../../shared/domain/errors.js';
import { usageDay, usageEvents, type UsageEvent } from '../../../shared/domain/usage.js';
import type { Reply, RouteActions, RouteSpec } from '../../../shared/http/route.js';
import { systemClock } from '../../../shared/ports/runtime.js';
import { html, type Html } from '../../../shared/web/html.js';
import type { accountsRoutes } from '../../accounts/routes.js';
import { operatorRoutes } from '../../operator/routes.js';
import type { Problem, SuccessBody } from '../api.js';
import { formatDateTime } from '../format.js';
import { emptyForm, errorSummary, formStateOf, postForm, selectField, submitButton, textField, type FormState } from '../forms.js';
import { Web, type WebDeps } from '../kit.js';
import { formPost, page } from '../route-parts.js';
import { operatorSections } from './tenants.js';

/**
 * Usage and statements for verifiers (their own agency) and operators (any agency, chosen from a
 * list), and the operator's price list. Every figure comes from the API, which decides who sees
 * what; the pages only draw it: a small SVG chart, the statement, the CSV link, the price form.
 */

type Me = SuccessBody<typeof accountsRoutes.routes.getMe>;
type UsageReport = SuccessBody<typeof operatorRoutes.routes.getUsage>;
type PriceList = SuccessBody<typeof operatorRoutes.routes.getPriceList>;

/** Months offered in the picker: this one and the two years before it. */
const PICKER_MONTHS = 24;
/** Tenants listed in the operator's picker: pages of 100, at most this many pages. */
const TENANT_PAGES = 10;

const periodQuery = z.string().regex(/^\d{4}-(0[1-9]|1[0-2])$/);

export const billingPageRoutes = {
  consoleUsagePage: {
    method: 'GET', path: '/web/console/usage', summary: "Console: a month's usage per day (chart and table) and its statement, with the CSV; operators pick the tenant", access: 'public',
    query: z.strictObject({ instansi: z.string().min(1).max(64).optional(), bulan: periodQuery.optional() }),
    responses: { 200: page('Pemakaian dan tagihan'), 303: page('Not signed in: to the login page'), 403: page('Neither verifier nor operator'), 404: page('Unknown tenant') },
  },
  consolePricesPage: {
    method: 'GET', path: '/web/console/prices', summary: 'Operator console: the prices in force, the changes planned, and the form to set new prices', access: 'public',
    query: z.strictObject({ selesai: z.enum(['disimpan']).optional() }),
    responses: { 200: page('Harga layanan'), 303: page('Not signed in: to the login page'), 403: page('Not an operator') },
  },
  consoleSetPrices: {
    method: 'POST', path: '/web/console/prices', summary: 'Operator console: set prices from a day on (today or later)', access: 'public',
    ...formPost,
    responses: { 303: page('Saved: the price list'), 403: page('No access, or the CSRF token missing'), 422: page('The form with its errors') },
  },
} as const satisfies Record<string, RouteSpec>;

// ---- The chart -------------------------------------------------------------------------------

/** One colour per event, dark enough to stand 3:1 against white, told apart by hue. */
const eventColours: Record<UsageEvent, string> = {
  USER_APPROVED: '#4c2c92',
  CERTIFICATE_ISSUED: '#00703c',
  DOCUMENT_SIGNED: '#1d70b8',
  HASH_SIGNED: '#d53880',
  VERIFICATION: '#a35200',
  EMAIL_SENT: '#505a5f',
};

const swatch = (event: UsageEvent) => html`<svg width="14" height="14" viewBox="0 0 14 14" aria-hidden="true" focusable="false"><rect width="14" height="14" rx="2" fill="${eventColours[event]}"/></svg>`;

/** The smallest of 1, 2, 5 × 10^n at or above `value`: the top of the scale. */
function scaleTop(value: number): number {
  if (value <= 1) return 1;
  const power = 10 ** Math.floor(Math.log10(value));
  return [1, 2, 5, 10].map((step) => step * power).find((top) => top >= value)!;
}

const dayOfMonth = (day: string) => Number(day.slice(8, 10));
const shortDay = (day: string) => `${dayOfMonth(day)} ${monthNames[Number(day.slice(5, 7)) - 1]}`;

/**
 * Stacked bars, one per day, one segment per event, in the SVG's own coordinates (it scales to
 * the page's width). Named by its <title>, summarised by its <desc>; the table below says the same.
 */
function usageChart(report: UsageReport, period: string): Html {
  const width = 360;
  const height = 224;
  const plot = { left: 44, right: 6, top: 26, bottom: 46 };
  const plotWidth = width - plot.left - plot.right;
  const plotHeight = height - plot.top - plot.bottom;
  const dayTotals = report.days.map((entry) => usageEvents.reduce((sum, event) => sum + entry.counts[event], 0));
  const top = scaleTop(Math.max(0, ...dayTotals));
  const band = plotWidth / report.days.length;
  const barWidth = Math.max(2, band * 0.7);
  const y = (value: number) => plot.top + plotHeight - (value / top) * plotHeight;
  const ticks = [0, top / 2, top].filter((tick) => Number.isInteger(tick));
  const labelled = new Set([1, 5, 10, 15, 20, 25, 30]);
  const grandTotal = dayTotals.reduce((sum, value) => sum + value, 0);
  const summary = grandTotal === 0
    ? 'Belum ada pemakaian pada bulan ini.'
    : `Jumlah sebulan: ${usageEvents.filter((event) => report.totals[event] > 0).map((event) => `${eventLabels[event]} ${formatNumber(report.totals[event])}`).join(', ')}.`;

  const bars = report.days.map((entry, index) => {
    const x = plot.left + index * band + (band - barWidth) / 2;
    let base = 0;
    return usageEvents.filter((event) => entry.counts[event] > 0).map((event) => {
      const count = entry.counts[event];
      const rect = html`<rect x="${x.toFixed(1)}" y="${y(base + count).toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(y(base) - y(base + count)).toFixed(1)}" fill="${eventColours[event]}"><title>${shortDay(entry.day)}: ${eventLabels[event]} ${formatNumber(count)}</title></rect>`;
      base += count;
      return rect;
    });
  });
  return html`<svg class="chart" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-labelledby="grafik-judul grafik-ringkasan">
<title id="grafik-judul">Pemakaian per hari, ${periodLabel(period)}</title>
<desc id="grafik-ringkasan">${summary}</desc>
<text x="${plot.left}" y="14" font-size="13" fill="#505a5f">Jumlah per hari</text>
${ticks.map((tick) => html`<line x1="${plot.left}" x2="${width - plot.right}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" stroke="${tick === 0 ? '#0b0c0c' : '#b1b4b6'}" stroke-width="1"/>
<text x="${plot.left - 5}" y="${(y(tick) + 5).toFixed(1)}" font-size="13" text-anchor="end" fill="#0b0c0c">${formatNumber(tick)}</text>`)}
${bars}
${report.days.map((entry, index) => (labelled.has(dayOfMonth(entry.day))
    ? html`<text x="${(plot.left + index * band + band / 2).toFixed(1)}" y="${height - plot.bottom + 17}" font-size="13" text-anchor="middle" fill="#0b0c0c">${dayOfMonth(entry.day)}</text>`
    : ''))}
<text x="${plot.left + plotWidth / 2}" y="${height - 6}" font-size="13" text-anchor="middle" fill="#505a5f">Tanggal (${periodLabel(period)})</text>
</svg>`;
}

/** The chart's figures as a table: each day with use, each event used that day. */
function usageTable(report: UsageReport): Html {
  const rows = report.days.flatMap((entry) => usageEvents.filter((event) => entry.counts[event] > 0).map((event) => ({ day: entry.day, event, count: entry.counts[event] })));
  if (rows.length === 0) return html`<p>Belum ada pemakaian pada bulan ini.</p>`;
  return html`<details class="details"><summary>Tabel pemakaian per hari</summary>
<div class="table-wrap"><table class="usage-table">
<caption>Pemakaian per hari dan layanan</caption>
<thead><tr><th scope="col">Tanggal</th><th scope="col">Layanan</th><th scope="col" class="num">Jumlah</th></tr></thead>
<tbody>${rows.map((row) => html`<tr><td>${shortDay(row.day)}</td><td>${eventLabels[row.event]}</td><td class="num">${formatNumber(row.count)}</td></tr>`)}</tbody>
</table></div>
</details>`;
}

function legend(report: UsageReport): Html {
  return html`<ul class="legend" aria-label="Keterangan warna grafik">${usageEvents.map((event) => html`<li>${swatch(event)}<span>${eventLabels[event]}: ${formatNumber(report.totals[event])}</span></li>`)}</ul>`;
}

// ---- The statement ---------------------------------------------------------------------------

function statementSection(web: Web, statement: Statement): Html {
  const csv = web.apiPath(`/v1/tenants/${encodeURIComponent(statement.tenant.tenantId)}/statements/${statement.period}?format=csv`);
  const state = statement.status === 'OPEN'
    ? html`<p><span class="tag">Berjalan</span> Dihitung dari pemakaian sampai saat ini; jumlahnya masih dapat bertambah sampai akhir bulan.</p>`
    : html`<p><span class="tag">Ditutup</span> Ditutup ${statement.closedAt ? formatDateTime(statement.closedAt) : ''}; tagihan ini tidak berubah lagi, juga bila harga kemudian diubah.${statement.emailedAt ? html` Dikirim ke email penagihan ${formatDateTime(statement.emailedAt)}.` : ''}</p>`;
  return html`<h2>Tagihan ${periodLabel(statement.period)}</h2>
${state}
${statement.lines.length === 0
    ? html`<p>Tidak ada pemakaian yang ditagihkan pada bulan ini. Total: <strong>${formatRupiah(0)}</strong>.</p>`
    : html`<div class="table-wrap"><table class="statement-table">
<caption>Rincian tagihan ${statement.tenant.name}</caption>
<thead><tr><th scope="col">Layanan</th><th scope="col" class="num">Biaya</th></tr></thead>
<tbody>${statement.lines.map((line) => html`<tr><th scope="row">${eventLabels[line.event]}<span class="hint">${dayRangeLabel(line.from, line.to)}: ${formatNumber(line.quantity)} × ${formatRupiah(line.unitPrice)}</span></th><td class="num">${formatRupiah(line.amount)}</td></tr>`)}</tbody>
<tfoot><tr><th scope="row">Total</th><td class="num">${formatRupiah(statement.total)}</td></tr></tfoot>
</table></div>`}
<p><a href="${csv}" download>Unduh CSV</a> <span class="hint">(untuk Excel atau LibreOffice: pemisah titik koma, UTF-8)</span></p>`;
}

// ---- The price list --------------------------------------------------------------------------

const formatDay = (day: string) => dayRangeLabel(day, day);
const priceField = (event: UsageEvent) => `prices.${event}`;
const priceLabel = (event: UsageEvent) => `${eventLabels[event]} (Rp per unit)`;
const priceLabels: Record<string, string> = {
  effectiveFrom: 'Berlaku mulai',
  ...Object.fromEntries(usageEvents.map((event) => [priceField(event), priceLabel(event)])),
};

function pricesTable(prices: Prices, caption: string): Html {
  return html`<div class="table-wrap"><table class="statement-table">
<caption>${caption}</caption>
<thead><tr><th scope="col">Layanan</th><th scope="col" class="num">Harga per unit</th></tr></thead>
<tbody>${usageEvents.map((event) => html`<tr><th scope="row">${eventLabels[event]}</th><td class="num">${formatRupiah(prices[event])}</td></tr>`)}</tbody>
</table></div>`;
}

/** "1.000", "1000" or "1 000" as a number; anything else as typed, for the API to refuse. */
function typedPrice(text: string | undefined): number | string | undefined {
  const compact = (text ?? '').replace(/\s/g, '');
  if (compact === '') return undefined;
  if (/^\d+$/.test(compact) || /^\d{1,3}(\.\d{3})+$/.test(compact)) return Number(compact.replaceAll('.', ''));
  return compact;
}

/** The API's answer as errors beside the price form's fields, in words about prices. */
function priceFormState(values: FormState['values'], problem: Problem): FormState {
  if (problem.code === 'PRICE_EFFECTIVE_DATE_PAST') return { values, errors: { effectiveFrom: problem.detail } };
  const state = formStateOf(values, problem);
  const errors = Object.fromEntries(Object.entries(state.errors).map(([field, message]) =>
    [field, field.startsWith('prices.') && message !== fieldErrorCatalog.REQUIRED.id ? fieldErrorCatalog.PRICE_INVALID.id : message]));
  return { ...state, errors };
}

// ---- The pages -------------------------------------------------------------------------------

export function billingPageActions(deps: WebDeps): RouteActions<typeof billingPageRoutes> {
  const usagePath = (web: Web, query: { instansi?: string; bulan?: string } = {}) => {
    const search = new URLSearchParams(Object.entries(query).filter((entry): entry is [string, string] => Boolean(entry[1])));
    return `${web.path('/console/usage')}${search.size > 0 ? `?${search}` : ''}`;
  };
  const pricesPath = (web: Web) => web.path('/console/prices');

  /** The operator console's sections; a verifier's pages lead back to the verifier console instead. */
  const sections = (web: Web, me: Me, current: string) => (me.role === 'OPERATOR'
    ? html`<nav aria-label="Bagian konsol operator"><ul class="tabs">
${operatorSections.map((section) => html`<li><a href="${web.path(section.path)}"${section.path === current ? html` aria-current="page"` : ''}>${section.label}</a></li>`)}
</ul></nav>`
    : html`<p class="console-back"><a href="${web.path('/console')}">← Kembali ke konsol</a></p>`);

  const allTenants = async (web: Web) => {
    const tenants: { tenantId: string; name: string }[] = [];
    let cursor: string | undefined;
    for (let pageNumber = 0; pageNumber < TENANT_PAGES; pageNumber++) {
      const list = web.expect(await web.api.call(operatorRoutes, 'listTenants', { query: { limit: '100', cursor } }));
      tenants.push(...list.items.map(({ tenantId, name }) => ({ tenantId, name })));
      if (!list.nextCursor) break;
      cursor = list.nextCursor;
    }
    return tenants;
  };

  const usagePage = async (web: Web, me: Me, query: { instansi?: string; bulan?: string }): Promise<Reply> => {
    const now = systemClock.now();
    const period = query.bulan ?? currentPeriod(now);
    const tenants = me.role === 'OPERATOR' ? await allTenants(web) : [];
    const tenantId = me.role === 'OPERATOR' ? query.instansi ?? tenants[0]?.tenantId : me.tenantId;
    const months = Array.from({ length: PICKER_MONTHS }, (_, index) => shiftPeriod(currentPeriod(now), -index));
    if (!months.includes(period)) months.push(period);
    const picker = html`<form method="get" action="${web.path('/console/usage')}" class="filters">
${me.role === 'OPERATOR' ? selectField({ name: 'instansi', label: 'Instansi', state: emptyForm({ instansi: tenantId }), choices: tenants.map((tenant) => ({ value: tenant.tenantId, label: tenant.name })) }) : ''}
${selectField({ name: 'bulan', label: 'Bulan', state: emptyForm({ bulan: period }), choices: months.map((month) => ({ value: month, label: periodLabel(month) })) })}
<button type="submit" class="button button--secondary">Tampilkan</button>
</form>`;
    const frame = (body: Html) => web.page({
      title: `Pemakaian dan tagihan, ${periodLabel(period)}`,
      heading: 'Pemakaian dan tagihan',
      nav: web.nav(me),
      body: html`${sections(web, me, '/console/usage')}${body}`,
    });
    if (!tenantId) return frame(html`<p>Belum ada instansi. Tambahkan instansi di bagian Instansi.</p>`);

    const { first, last } = periodBounds(period);
    const [statement, usage] = await Promise.all([
      web.api.call(operatorRoutes, 'getStatement', { params: { tenantId, period } }),
      web.api.call(operatorRoutes, 'getUsage', { query: { tenantId, from: first, to: last } }),
    ]);
    const tenantName = me.role === 'OPERATOR' ? tenants.find((tenant) => tenant.tenantId === tenantId)?.name : me.tenantName;
    const heading = html`<p class="lead">${tenantName ?? tenantId}</p>`;
    if (!statement.ok && statement.problem.code === 'STATEMENT_PERIOD_INVALID') {
      return frame(html`${picker}${heading}<p class="notice" role="status">Belum ada tagihan untuk ${periodLabel(period)}. ${statement.problem.detail}</p>`);
    }
    const report = web.expect(usage);
    return frame(html`${picker}${heading}
${statementSection(web, web.expect(statement))}
<h2>Pemakaian per hari</h2>
${usageChart(report, period)}
${legend(report)}
${usageTable(report)}
${me.role === 'OPERATOR' ? html`<p>Harga per layanan diatur di <a href="${pricesPath(web)}">Harga layanan</a>.</p>` : ''}`);
  };

  const pricesPage = async (web: Web, me: Me, state: FormState, options: { status?: number; saved?: boolean } = {}): Promise<Reply> => {
    const list: PriceList = web.expect(await web.api.call(operatorRoutes, 'getPriceList'));
    const today = usageDay(systemClock.now());
    const planned = list.versions.filter((version) => version.effectiveFrom > today);
    const past = list.versions.filter((version) => version.effectiveFrom <= today && version.effectiveFrom !== list.current.effectiveFrom).reverse();
    const unset = list.versions.every((version) => version.effectiveFrom > today);
    return web.page({
      title: 'Harga layanan',
      heading: 'Harga layanan',
      nav: web.nav(me),
      body: html`${sections(web, me, '/console/prices')}${errorSummary(state, priceLabels)}
${options.saved ? html`<p class="notice notice--success" role="status">Harga disimpan. Harga baru berlaku mulai tanggal yang ditetapkan; tagihan bulan yang sudah ditutup tidak berubah.</p>` : ''}
<p>Harga dalam rupiah per unit untuk setiap layanan yang dihitung, sama untuk semua instansi. Perubahan berlaku mulai tanggal yang ditetapkan (WIB) dan tidak pernah berlaku surut.</p>
<h2>Berlaku sekarang</h2>
${unset
    ? html`<p>Belum ada harga yang ditetapkan: semua layanan <strong>${formatRupiah(0)}</strong>.</p>`
    : html`<p>Sejak ${formatDay(list.current.effectiveFrom)}.</p>${pricesTable(list.current.prices, 'Harga yang berlaku sekarang')}`}
<h2>Perubahan terjadwal</h2>
${planned.length === 0
    ? html`<p>Tidak ada perubahan terjadwal.</p>`
    : planned.map((version) => pricesTable(version.prices, `Harga mulai ${formatDay(version.effectiveFrom)}`))}
${past.length > 0 ? html`<details class="details"><summary>Riwayat harga</summary>${past.map((version) => pricesTable(version.prices, `Harga mulai ${formatDay(version.effectiveFrom)}`))}</details>` : ''}
<h2>Tetapkan harga baru</h2>
${postForm(pricesPath(web), [
  textField({ name: 'effectiveFrom', label: priceLabels.effectiveFrom!, state, inputmode: 'numeric', autocomplete: 'off', maxlength: 10, hint: 'Tanggal tttt-bb-hh, paling cepat hari ini (WIB). Tanggal yang sama dengan perubahan terjadwal menggantikannya.' }),
  html`<div class="price-fields">${usageEvents.map((event) => textField({ name: priceField(event), label: priceLabel(event), state, inputmode: 'numeric', autocomplete: 'off', maxlength: 12 }))}</div>`,
  submitButton('Simpan harga'),
], { csrfToken: me.csrfToken })}`,
    }, { status: options.status ?? 200 });
  };

  /** The form filled with the prices in force, from the 1st of next month (the usual date of a new tariff). */
  const pricesForm = async (web: Web): Promise<FormState> => {
    const list = web.expect(await web.api.call(operatorRoutes, 'getPriceList'));
    const next = `${shiftPeriod(currentPeriod(systemClock.now()), 1)}-01`;
    return emptyForm({ effectiveFrom: next, ...Object.fromEntries(usageEvents.map((event) => [priceField(event), String(list.current.prices[event])])) });
  };

  return {
    consoleUsagePage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(usagePath(web, request.query));
      if ('redirect' in signedIn) return signedIn.redirect;
      return usagePage(web, signedIn.me, request.query);
    },
    consolePricesPage: async (request) => {
      const web = new Web(deps, request);
      const signedIn = await web.signedIn(pricesPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      return pricesPage(web, signedIn.me, await pricesForm(web), { saved: request.query.selesai === 'disimpan' });
    },
    consoleSetPrices: async (request) => {
      const web = new Web(deps, request);
      const { csrfToken, effectiveFrom = '', ...fields } = request.body;
      const prices = Object.fromEntries(usageEvents.map((event) => [event, typedPrice(fields[priceField(event)])]).filter(([, value]) => value !== undefined));
      const result = await web.api.call(operatorRoutes, 'setPriceList', { body: { effectiveFrom: effectiveFrom.trim(), prices, ...(csrfToken ? { csrfToken } : {}) } });
      if (result.ok) return web.seeOther(`${pricesPath(web)}?selesai=disimpan`);
      if (result.problem.status === 401) return web.toLogin(pricesPath(web));
      if (result.problem.status === 403 && result.problem.code !== 'CSRF_TOKEN_INVALID') web.fail(result.problem);
      const signedIn = await web.signedIn(pricesPath(web));
      if ('redirect' in signedIn) return signedIn.redirect;
      const values = { effectiveFrom, ...Object.fromEntries(usageEvents.map((event) => [priceField(event), fields[priceField(event)] ?? ''])) };
      return pricesPage(web, signedIn.me, priceFormState(values, result.problem), { status: result.problem.status });
    },
  };
}
