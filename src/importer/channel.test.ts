import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteChannel } from './channel.js';

async function drain(channel: ByteChannel): Promise<string> {
  let text = '';
  for await (const chunk of channel) text += Buffer.from(chunk).toString();
  return text;
}

describe('byte channel', () => {
  it('delivers every chunk in order, with the producer held back by the consumer', async () => {
    const channel = new ByteChannel(2);
    const consumed = drain(channel);
    for (let i = 0; i < 100; i++) await channel.push(Buffer.from(`${i},`));
    channel.end();
    assert.equal(await consumed, Array.from({ length: 100 }, (_, i) => `${i},`).join(''));
  });

  it('makes the consumer throw when the producer fails, even with chunks still queued', async () => {
    const channel = new ByteChannel(10);
    await channel.push(Buffer.from('a'));
    await channel.push(Buffer.from('b'));
    channel.fail(new Error('record 3 is bad'));
    await assert.rejects(drain(channel), /record 3 is bad/);
  });

  it('makes a waiting producer throw when the consumer gives up', async () => {
    const channel = new ByteChannel(1);
    const pushing = (async () => {
      for (let i = 0; i < 10; i++) await channel.push(Buffer.from('x'));
    })();
    await new Promise((r) => setTimeout(r, 10));
    channel.abandon(new Error('disk full'));
    await assert.rejects(pushing, /disk full/);
  });
});
