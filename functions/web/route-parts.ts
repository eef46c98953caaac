import * as z from 'zod';
import type { ResponseSpec } from '../../shared/http/route.js';

/** Route declarations the page flows share. */

export const page = (description: string): ResponseSpec => ({ description, contentType: 'text/html' });

/**
 * A posted form: its fields as strings, bounded. The fields are checked by the API route the
 * form feeds (one set of rules), so the page only bounds them.
 */
export const formBody = z.record(z.string().max(100), z.string().max(20_000));

export const formPost = { bodyType: 'application/x-www-form-urlencoded', body: formBody } as const;

export const linkToken = z.strictObject({ token: z.string().min(1).max(200) });

/** The answers of a page reached by a link: the page, or why the link no longer works. */
export const linkPageResponses = {
  200: page('The page'),
  404: page('Unknown link'),
  410: page('Used or expired link'),
} as const;
