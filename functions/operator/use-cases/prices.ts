import type { Actor } from '../../../shared/domain/actor.js';
import { priceListView, type Prices, type PriceVersion } from '../../../shared/domain/billing.js';
import { AppError } from '../../../shared/domain/errors.js';
import { usageDay } from '../../../shared/domain/usage.js';
import { auditEntry } from '../../../shared/audit.js';
import type { PriceListStore } from '../../../shared/ports/billing.js';
import type { Clock, IdGenerator } from '../../../shared/ports/runtime.js';

export interface PriceDeps {
  prices: PriceListStore;
  clock: Clock;
  ids: IdGenerator;
}

/** The audit subject of price changes: the price list is the whole service's, no tenant's. */
export const PRICE_LIST_SUBJECT = 'PRICE_LIST';

export type PriceList = ReturnType<typeof priceListView>;

/** The prices in force today (WIB) and every version set, past and future. */
export async function getPriceList(deps: Pick<PriceDeps, 'prices' | 'clock'>): Promise<PriceList> {
  return priceListView(await deps.prices.listPriceVersions(), usageDay(deps.clock.now()));
}

/**
 * Publishes prices from a WIB day on.
 * 1. The day is today or later: a change never reaches back into days already counted (and so
 *    never into a closed month).
 * 2. The version is stored, replacing one of the same day, with an audit entry that keeps the
 *    prices, in one transaction.
 */
export async function setPriceVersion(deps: PriceDeps, input: { actor: Actor; effectiveFrom: string; prices: Prices }): Promise<PriceList> {
  const now = deps.clock.now();
  if (input.effectiveFrom < usageDay(now)) throw new AppError('PRICE_EFFECTIVE_DATE_PAST', [{ field: 'effectiveFrom', code: 'VALUE_INVALID' }]);
  const version: PriceVersion = { effectiveFrom: input.effectiveFrom, prices: input.prices, setAt: now.toISOString(), setBy: input.actor.actorId };
  await deps.prices.putPriceVersion(version, auditEntry(deps, now, input.actor, 'PRICE_LIST_SET', { service: PRICE_LIST_SUBJECT }, { target: input.effectiveFrom }));
  return getPriceList(deps);
}
