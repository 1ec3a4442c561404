import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseEnv } from 'node:util';
import { ConfigError } from '../errors.js';
import { updateEnvText } from './env-file.js';

describe('.env values round-trip', () => {
  const values = [
    '',
    'plain-value_1.2:3@x+y/z',
    'with "double" quotes',
    "it's",
    'back\\slash and \\\\ two',
    'literal \\n backslash-n',
    'real\nnewline',
    'tick ` here',
    '#not a comment',
    '  spaces around  ',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: shell-looking text must stay as it is
    '$HOME ${HOME}',
    'a\\"b',
    'x=y&z',
    'Ünïcödé 🎵',
    'https://hooks.slack.com/services/T000/B000/xyz?a=1#frag',
  ];
  it('every value is read back exactly as written, beside other lines', () => {
    for (const value of values) {
      const text = updateEnvText('# keep me\nOTHER=1\n', { SECRET: value });
      const back = parseEnv(text) as Record<string, string>;
      assert.equal(back.SECRET, value, JSON.stringify(value));
      assert.equal(back.OTHER, '1');
      assert.match(text, /^# keep me\n/);
    }
  });
  it('a key given null loses its line (every copy of it); other lines stay', () => {
    const text = updateEnvText('A=1\nSECRET=x\n# note\nexport SECRET=y\n', {
      SECRET: null,
      B: '2',
      GONE: null,
    });
    assert.equal(text, 'A=1\n# note\nB=2\n');
  });
  it('a value no quoting can keep is refused, naming the key, not corrupted', () => {
    assert.throws(
      () => updateEnvText('', { SLACK_WEBHOOK_URL: `a'b"c\`d` }),
      (e: unknown) =>
        e instanceof ConfigError && /SLACK_WEBHOOK_URL cannot be written/.test(e.message),
    );
  });
});
