import * as z from 'zod';

const base64Pattern = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Whether a string matches `base64Pattern`, without the regex: on a 6 MB request's base64 the
 * anchored pattern backtracks through every character (~10–20 ms a megabyte of PDF); one scan for
 * a character outside the alphabet and a look at where the padding starts take a few.
 */
export function isBase64(value: string): boolean {
  if (/[^A-Za-z0-9+/=]/.test(value)) return false;
  const padding = value.indexOf('=');
  if (padding === -1) return value.length > 0;
  // At most two '=', at the end only, after at least one character of the alphabet.
  return padding > 0 && value.length - padding <= 2 && value.endsWith('=');
}

/**
 * A base64 field (the PDFs, images and files of the signing and verification routes). The OpenAPI document still
 * states the pattern, which the fuzz generator and integrators read.
 */
export const base64Field = () => z.string().min(1).refine(isBase64).meta({ pattern: base64Pattern.source });
