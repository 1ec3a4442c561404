import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_RETRY_AFTER_SECONDS, parseRetryAfter } from './retry-after.js';

describe('Retry-After', () => {
  const now = Date.parse('2026-12-01T10:00:00Z');
  it('reads seconds and HTTP dates', () => {
    assert.deepEqual(parseRetryAfter('30', now), { seconds: 30 });
    assert.deepEqual(parseRetryAfter(' 0 ', now), { seconds: 0 });
    assert.deepEqual(parseRetryAfter('Tue, 01 Dec 2026 10:05:00 GMT', now), { seconds: 300 });
    assert.deepEqual(parseRetryAfter('Tue, 01 Dec 2026 09:00:00 GMT', now), { seconds: 0 });
  });
  it('caps absurd values and says what was asked', () => {
    assert.deepEqual(parseRetryAfter('10000000000000', now), {
      seconds: MAX_RETRY_AFTER_SECONDS,
      cappedFrom: 1e13,
    });
    const far = parseRetryAfter('Fri, 01 Dec 2124 10:00:00 GMT', now);
    assert.equal(far.seconds, MAX_RETRY_AFTER_SECONDS);
    assert.ok((far.cappedFrom ?? 0) > 3e9);
  });
  it('waits a minute when the header is missing or unreadable', () => {
    for (const header of [null, '', '-5', '1.5', 'soon', '1e13'])
      assert.deepEqual(parseRetryAfter(header, now), { seconds: 60 }, String(header));
  });
});
