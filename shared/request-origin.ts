import { AsyncLocalStorage } from 'node:async_hooks';

/** Where a request came from, as the audit trail records it. */
export interface RequestOrigin {
  requestId: string;
  sourceIp: string;
}

// The HTTP kernel sets the origin around each route action; whatever the action awaits sees it.
// Audit entries are made deep inside use cases (public routes too, where there is no actor to
// carry it), so the origin travels with the request's async context instead of through every call.
const origins = new AsyncLocalStorage<RequestOrigin>();

export function withRequestOrigin<T>(origin: RequestOrigin, run: () => T): T {
  return origins.run(origin, run);
}

/** The origin of the request being served; none outside one (the workflow, scheduled jobs). */
export function currentRequestOrigin(): RequestOrigin | undefined {
  return origins.getStore();
}
