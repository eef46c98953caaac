import { describe, expect, it } from 'vitest';
import { toAppError } from '../../shared/http/problem.js';

// Regression (issue #12, fault injection): S3 unreachable during a photo confirm and KMS failing
// during issuance or signing answered 500 INTERNAL_ERROR; an outage of a dependency is a 503.
describe('a dependency outage as a problem', () => {
  it.each([
    ['S3 unreachable', Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4569'), { code: 'ECONNREFUSED', $metadata: { attempts: 3 } })],
    ['a connection reset', Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' })],
    ['KMS failing on its side', Object.assign(new Error('internal'), { name: 'KMSInternalException', $fault: 'server', $metadata: { httpStatusCode: 500 } })],
  ])('%s is 503 SERVICE_UNAVAILABLE, logged as unexpected', (_, error) => {
    const { appError, unexpected } = toAppError(error);
    expect(appError.code).toBe('SERVICE_UNAVAILABLE');
    expect(unexpected).toBe(true);
  });

  it('keeps a fault of the caller\'s side ($fault "client") and a plain error as they were', () => {
    expect(toAppError(Object.assign(new Error('bad'), { name: 'ValidationException', $fault: 'client' })).appError.code).toBe('INTERNAL_ERROR');
    expect(toAppError(new Error('connect ECONNREFUSED in the message only')).appError.code).toBe('INTERNAL_ERROR');
  });
});
