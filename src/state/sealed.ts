import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ConfigError, WrappedError } from '../errors.js';

/**
 * Secrets kept in a cloud lake (the login's token set, when there is no Key Vault) are sealed
 * with AES-256-GCM under a key from the environment (`WRAPPED_STATE_KEY`): whoever can read the
 * lake but not the key learns nothing, and any change to the sealed bytes is detected. A wrong
 * key is a clear error naming the setting, never a silent logout.
 */

export interface Sealed {
  /** Format version. */
  v: 1;
  alg: 'A256GCM';
  /** Base64 of the 12-byte nonce, the 16-byte tag and the ciphertext. */
  iv: string;
  tag: string;
  data: string;
}

export class WrongStateKeyError extends WrappedError {}

const KEY_HINT =
  'Set WRAPPED_STATE_KEY to 32 random bytes, base64-encoded (`openssl rand -base64 32`), the same on every machine that shares the lake.';

/** The key: 32 bytes, given as base64 (44 characters) or hex (64). */
export function parseStateKey(text: string | undefined): Buffer {
  const value = text?.trim() ?? '';
  if (value === '')
    throw new ConfigError('WRAPPED_STATE_KEY is not set, and the lake is in the cloud.', {
      hint: KEY_HINT,
    });
  const key = /^[0-9a-f]{64}$/i.test(value)
    ? Buffer.from(value, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(value)
      ? Buffer.from(value, 'base64')
      : undefined;
  if (key?.length !== 32)
    throw new ConfigError('WRAPPED_STATE_KEY is not a 32-byte key.', { hint: KEY_HINT });
  return key;
}

/** `associated` binds the sealed bytes to where they live (a sealed file copied elsewhere fails). */
export function seal(plain: Buffer | string, key: Buffer, associated: string): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(associated, 'utf8'));
  const data = Buffer.concat([cipher.update(plain), cipher.final()]);
  return {
    v: 1,
    alg: 'A256GCM',
    iv: iv.toString('base64'),
    tag: cipher.getAuthTag().toString('base64'),
    data: data.toString('base64'),
  };
}

export function open(sealed: Sealed, key: Buffer, associated: string, what: string): Buffer {
  if (sealed?.v !== 1 || sealed.alg !== 'A256GCM')
    throw new WrappedError(`${what} is not sealed in a format this version knows.`);
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'));
    decipher.setAAD(Buffer.from(associated, 'utf8'));
    decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(sealed.data, 'base64')), decipher.final()]);
  } catch {
    throw new WrongStateKeyError(
      `${what} cannot be opened with this WRAPPED_STATE_KEY: the key differs from the one it was sealed with (or the file was altered).`,
      {
        hint: 'Use the key the other machines use. If it is lost, run `wrapped auth login` again: a new login is sealed with the key you have now.',
      },
    );
  }
}
