import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError } from '../errors.js';
import { open, parseStateKey, seal, WrongStateKeyError } from './sealed.js';

describe('sealed state (AES-256-GCM)', () => {
  const key = randomBytes(32);
  const secret = '{"refresh_token":"AQD-very-secret"}';

  it('opens what it sealed, and the sealed text holds nothing of the secret', () => {
    const sealed = seal(secret, key, '_state/auth/tokens.json');
    assert.equal(open(sealed, key, '_state/auth/tokens.json', 'the login').toString(), secret);
    assert.doesNotMatch(JSON.stringify(sealed), /very-secret|refresh_token/);
    assert.notEqual(
      seal(secret, key, 'x').iv,
      seal(secret, key, 'x').iv,
      'a fresh nonce each time',
    );
  });

  it('a wrong key, altered bytes or another place are a clear error, not garbage', () => {
    const sealed = seal(secret, key, 'here');
    const wrongKey = () => open(sealed, randomBytes(32), 'here', 'the login');
    assert.throws(
      wrongKey,
      (e: unknown) => e instanceof WrongStateKeyError && /WRAPPED_STATE_KEY/.test(e.message),
    );
    const data = Buffer.from(sealed.data, 'base64');
    data[0] = (data[0] ?? 0) ^ 1;
    assert.throws(
      () => open({ ...sealed, data: data.toString('base64') }, key, 'here', 'x'),
      WrongStateKeyError,
    );
    assert.throws(() => open(sealed, key, 'elsewhere', 'x'), WrongStateKeyError);
  });

  it('reads a key as base64 or hex, and refuses anything else naming the setting', () => {
    const base64 = key.toString('base64');
    assert.deepEqual(parseStateKey(base64), key);
    assert.deepEqual(parseStateKey(key.toString('hex')), key);
    for (const bad of [undefined, '', 'short', randomBytes(16).toString('base64'), `${base64}x`])
      assert.throws(
        () => parseStateKey(bad),
        (e: unknown) => e instanceof ConfigError && /WRAPPED_STATE_KEY/.test(e.message),
      );
  });
});
