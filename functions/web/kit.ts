import { AppError } from '../../shared/domain/errors.js';
import type { Reply, RouteRequest, RouteSpec } from '../../shared/http/route.js';
import type { ApiClient } from '../../shared/ports/api-client.js';
import { pageHeaders } from '../../shared/web/headers.js';
import { html } from '../../shared/web/html.js';
import { renderPage, type PageContent } from '../../shared/web/layout.js';
import { PersonPageError } from '../../shared/web/error-page.js';
import { accountsRoutes } from '../accounts/routes.js';
import { PageApi, type ApiResult, type Problem, type SuccessBody } from './api.js';

/** What every page action needs: the API, where pages and API live, and the page script. */
export interface WebDeps {
  api: ApiClient;
  /** Path of the pages, e.g. /web (or /prod/web behind a stage). */
  basePath: string;
  /** Path the API's /v1 routes sit under, as the browser sees it ('' or e.g. /prod). */
  apiBasePath: string;
  /** Origins a page may upload photos to and show them from (the photo bucket). */
  photoOrigins: readonly string[];
  /** The page script's URL. */
  scriptUrl?: string;
  /** PDF.js (library and worker URLs), for the sign page's preview. */
  pdfjs?: { library: string; worker: string };
  /** The pages' absolute base URL (a QR code on a signature links to the verify page). */
  webBaseUrl?: string;
}

export interface PageOptions {
  status?: number;
  /** Pages that take photos: camera allowed, the photo bucket reachable. */
  photos?: boolean;
  /** Public pages the same for everyone may be cached; the rest (tokens, sessions) never. */
  cacheable?: boolean;
}

/** One page request: its API (the browser's cookie carried on) and the page helpers around it. */
export class Web {
  readonly api: PageApi;
  /** The signed-in person, once a page asked (signedIn): their error pages name their verifiers. */
  private person?: SuccessBody<typeof accountsRoutes.routes.getMe>;

  constructor(readonly deps: WebDeps, readonly request: RouteRequest<RouteSpec>) {
    this.api = new PageApi(deps.api, request, deps.basePath);
  }

  /** A page path, e.g. path('/me') → /web/me. */
  path(suffix = ''): string {
    return `${this.deps.basePath}${suffix}`;
  }

  /** An API path as the browser calls it (the photo uploads). */
  apiPath(suffix: string): string {
    return `${this.deps.apiBasePath}${suffix}`;
  }

  page(content: PageContent, options: PageOptions = {}): Reply {
    const headers: Record<string, string> = pageHeaders({
      camera: options.photos ?? false,
      extraOrigins: options.photos ? this.deps.photoOrigins : [],
    });
    if (options.cacheable) headers['cache-control'] = 'public, max-age=300';
    this.withCookies(headers);
    // Every page loads the one small script (cached for a year): focus on the error summary, the
    // OTP field, checklists, timers and photos all come from it, and nothing needs it to work but photos.
    const script = this.deps.scriptUrl;
    return {
      status: options.status ?? 200,
      body: renderPage(this.deps.basePath, { ...content, ...(script ? { script } : {}) }),
      headers,
    };
  }

  /** After a successful post: the next page by GET (refresh never posts twice). */
  seeOther(location: string): Reply {
    return { status: 303, headers: this.withCookies({ location, 'cache-control': 'no-store' }) };
  }

  /**
   * An API error no form can show: the error page with the same status and explanation (and,
   * for a signed-in person, their agency's verifier contacts).
   */
  fail(problem: Problem): never {
    const detail = { id: problem.detail, en: problem.detail };
    const contacts = this.person?.verifierContacts;
    if (contacts?.length) throw new PersonPageError(problem.code, detail, contacts);
    throw new AppError(problem.code, [], { detail });
  }

  /** The body of a call that must succeed for the page to make sense; else the error page. */
  expect<T>(result: ApiResult<T>): T {
    if (!result.ok) this.fail(result.problem);
    return result.body;
  }

  /**
   * The signed-in person, or a redirect to the login page that comes back here afterwards. The
   * API decides (session, idle and absolute expiry); the page never reads the cookie itself.
   */
  async signedIn(back: string): Promise<{ me: SuccessBody<typeof accountsRoutes.routes.getMe> } | { redirect: Reply }> {
    const me = await this.api.call(accountsRoutes, 'getMe');
    if (me.ok) {
      this.person = me.body;
      return { me: me.body };
    }
    if (me.status === 401) return { redirect: this.toLogin(back) };
    this.fail(me.problem);
  }

  /** To the login page; it returns to `back` (a page of this service only) after the OTP step. */
  toLogin(back?: string): Reply {
    return this.seeOther(`${this.path('/login')}${back ? `?lanjut=${encodeURIComponent(back)}` : ''}`);
  }

  /** The header links of a signed-in person's pages, with sign-out as a form (it changes state). */
  nav(me: { role: string; csrfToken?: string }) {
    return html`<nav class="site-nav" aria-label="Menu akun">
<a href="${this.path('/me')}">Akun saya</a><a href="${this.path('/sign')}">Tanda tangani</a>${me.role === 'VERIFIER' ? html`<a href="${this.path('/console')}">Konsol verifikator</a>` : ''}${me.role === 'OPERATOR' ? html`<a href="${this.path('/console/tenants')}">Konsol operator</a>` : ''}${me.role === 'VERIFIER' ? html`<a href="${this.path('/console/usage')}">Tagihan</a>` : ''}
<form method="post" action="${this.path('/logout')}"><input type="hidden" name="csrfToken" value="${me.csrfToken ?? ''}"><button type="submit" class="link-button">Keluar</button></form>
</nav>`;
  }

  private withCookies(headers: Record<string, string>): Record<string, string> {
    const cookie = this.api.setCookies.at(-1);
    if (cookie) headers['set-cookie'] = cookie;
    return headers;
  }
}
