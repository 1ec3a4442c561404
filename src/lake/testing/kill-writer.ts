/**
 * A child process for the contract suite's crash test: it opens a lake driver and `put`s a large
 * streamed file slowly, announcing on stdout when it is halfway, so the test can SIGKILL it
 * in the middle of the write.
 *
 * argv: <driver module URL> <driver options as JSON> <lake path> <chunks> <announce-after>
 */
import { pathToFileURL } from 'node:url';
import type { Lake } from '../lake.js';
import { CHUNK_BYTES, chunkFor } from './pattern.js';

const [moduleUrl, optionsJson, path, chunksText, announceText] = process.argv.slice(2);
if (!moduleUrl || !optionsJson || !path)
  throw new Error('usage: kill-writer <module> <options> <path> <chunks> <announce>');
const chunks = Number(chunksText);
const announceAfter = Number(announceText);

const { createLake } = (await import(
  moduleUrl.startsWith('file:') ? moduleUrl : pathToFileURL(moduleUrl).href
)) as {
  createLake: (options: unknown) => Lake | Promise<Lake>;
};
const lake = await createLake(JSON.parse(optionsJson));

async function* body(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < chunks; i++) {
    yield chunkFor(i);
    if (i + 1 === announceAfter) process.stdout.write(`halfway ${(i + 1) * CHUNK_BYTES}\n`);
    // Slow down after the announcement so the kill lands mid-write.
    if (i + 1 >= announceAfter) await new Promise((r) => setTimeout(r, 20));
  }
}

await lake.put(path, body());
process.stdout.write('done\n');
