/**
 * The lake driver contract: every driver (local folder, Azure, S3) runs this same suite.
 * A driver that cannot honour a case (an emulator's limitation, say) must name it in `skip`
 * with the reason, and the reason is printed with the skipped test.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { LakeConflictError, LakeNotFoundError, LakePathError } from '../../errors.js';
import type { Lake } from '../lake.js';
import { updateVersioned } from '../versioned.js';
import { CHUNK_BYTES, expectedContent } from './pattern.js';

export type ContractCase =
  | 'createOnly'
  | 'concurrentCreateOnly'
  | 'ifMatch'
  | 'concurrentIfMatch'
  | 'byteOrder'
  | 'crashMidPut'
  | 'largeListing';

export interface ContractTarget {
  /** A fresh, empty lake for each call. */
  create(): Promise<{ lake: Lake; cleanup?: () => Promise<void> }>;
  /**
   * For the crash test: a module exporting `createLake(options)` and options that open the same
   * lake as `create()` last returned, so a child process can write into it.
   */
  childWriter?: (lake: Lake) => { module: string; options: unknown };
  skip?: Partial<Record<ContractCase, string>>;
}

const HOSTILE_PATHS = [
  '../../etc/passwd',
  '/etc/passwd',
  'raw/../../etc/passwd',
  'raw/./x.json',
  'raw\\x.json',
  'raw/x\0.json',
  'raw//x.json',
  'raw/x.json/',
  '',
  'raw/.tmp-abc',
  'C:/Windows/win.ini',
  'raw/\u001b[31mred',
];

async function collect(iterable: AsyncIterable<{ path: string }>): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of iterable) paths.push(entry.path);
  return paths;
}

export function lakeContract(name: string, target: ContractTarget): void {
  describe(`lake contract: ${name}`, () => {
    let lake: Lake;
    let cleanups: Array<() => Promise<void>> = [];
    const fresh = async () => {
      const made = await target.create();
      if (made.cleanup) cleanups.push(made.cleanup);
      return made.lake;
    };
    before(async () => {
      lake = await fresh();
    });
    after(async () => {
      for (const cleanup of cleanups) await cleanup();
      cleanups = [];
    });
    const skipped = (c: ContractCase) => {
      const reason = target.skip?.[c];
      return reason ? { skip: `${name}: ${reason}` } : {};
    };

    it('puts and gets text and bytes unchanged', async () => {
      await lake.put('raw/a/text.json', '{"ü":"ß ✓"}');
      assert.equal((await lake.get('raw/a/text.json')).toString('utf8'), '{"ü":"ß ✓"}');
      const bytes = new Uint8Array([0, 1, 2, 255, 254, 0]);
      await lake.put('raw/a/bytes.bin', bytes);
      assert.deepEqual(new Uint8Array(await lake.get('raw/a/bytes.bin')), bytes);
      await lake.put('raw/a/empty.json', '');
      assert.equal((await lake.get('raw/a/empty.json')).length, 0);
    });

    it('puts a streamed body and streams it back', async () => {
      const parts = ['part one;', 'part two;', 'part three'];
      await lake.put('raw/stream/s.txt', Readable.from(parts.map((p) => Buffer.from(p))));
      const stream = await lake.getStream('raw/stream/s.txt');
      const chunks: Buffer[] = [];
      for await (const chunk of stream) chunks.push(chunk as Buffer);
      assert.equal(Buffer.concat(chunks).toString(), parts.join(''));
    });

    it('replaces a file on a plain put', async () => {
      await lake.put('state/cursor.json', 'one');
      await lake.put('state/cursor.json', 'two');
      assert.equal((await lake.get('state/cursor.json')).toString(), 'two');
    });

    it(
      'refuses to overwrite in create-only mode and keeps the original',
      skipped('createOnly'),
      async () => {
        await lake.put('raw/once/x.json', 'first', { createOnly: true });
        await assert.rejects(
          lake.put('raw/once/x.json', 'second', { createOnly: true }),
          LakeConflictError,
        );
        assert.equal((await lake.get('raw/once/x.json')).toString(), 'first');
      },
    );

    it(
      'lets exactly one of many racing create-only writers win',
      skipped('concurrentCreateOnly'),
      async () => {
        const results = await Promise.allSettled(
          Array.from({ length: 8 }, (_, i) =>
            lake.put('raw/race/x.json', `writer ${i}`, { createOnly: true }),
          ),
        );
        const won = results.filter((r) => r.status === 'fulfilled');
        assert.equal(won.length, 1);
        for (const r of results)
          if (r.status === 'rejected') assert.ok(r.reason instanceof LakeConflictError);
        assert.match((await lake.get('raw/race/x.json')).toString(), /^writer \d$/);
      },
    );

    it('gives a file with its version, and undefined for a missing one', async () => {
      assert.equal(await lake.getVersioned('state/none.json'), undefined);
      await lake.put('state/v.json', 'one');
      const first = await lake.getVersioned('state/v.json');
      assert.equal(first?.body.toString(), 'one');
      assert.ok(first?.version);
      assert.equal((await lake.getVersioned('state/v.json'))?.version, first?.version);
      await lake.put('state/v.json', 'two');
      assert.notEqual((await lake.getVersioned('state/v.json'))?.version, first?.version);
    });

    it(
      'replaces a file only at the version read (If-Match); a stale or missing one is a conflict',
      skipped('ifMatch'),
      async () => {
        await lake.put('state/cas.json', 'v1');
        const v1 = (await lake.getVersioned('state/cas.json'))?.version as string;
        await lake.put('state/cas.json', 'v2', { ifMatch: v1 });
        assert.equal((await lake.get('state/cas.json')).toString(), 'v2');
        await assert.rejects(
          lake.put('state/cas.json', 'stale', { ifMatch: v1 }),
          LakeConflictError,
        );
        assert.equal((await lake.get('state/cas.json')).toString(), 'v2');
        await assert.rejects(
          lake.put('state/missing.json', 'x', { ifMatch: v1 }),
          LakeConflictError,
        );
        assert.equal(await lake.exists('state/missing.json'), false);
      },
    );

    it(
      'racing read-modify-writes each apply once (updateVersioned)',
      skipped('concurrentIfMatch'),
      async () => {
        const writers = 6;
        const each = 3;
        const increment = async () => {
          for (let i = 0; i < each; i++)
            await updateVersioned(lake, 'state/counter.json', (current) =>
              String(Number(current?.toString() ?? '0') + 1),
            );
        };
        await Promise.all(Array.from({ length: writers }, increment));
        assert.equal((await lake.get('state/counter.json')).toString(), String(writers * each));
      },
    );

    it('a put whose body fails publishes nothing', async () => {
      const own = await fresh();
      async function* failing(): AsyncGenerator<Uint8Array> {
        yield Buffer.from('[{"partial": ');
        throw new Error('the source broke');
      }
      await assert.rejects(own.put('raw/export/x/deep/file.json', failing()), /the source broke/);
      await assert.rejects(
        own.put('raw/export/y/file.json', failing(), { createOnly: true }),
        /the source broke/,
      );
      assert.equal(await own.exists('raw/export/x/deep/file.json'), false);
      assert.deepEqual(await collect(own.list()), []);
    });

    it('reports missing files as not found', async () => {
      assert.equal(await lake.exists('raw/missing.json'), false);
      await assert.rejects(lake.get('raw/missing.json'), LakeNotFoundError);
      await assert.rejects(lake.getStream('raw/missing.json'), LakeNotFoundError);
      await lake.put('raw/present.json', 'x');
      assert.equal(await lake.exists('raw/present.json'), true);
      // A "folder" is not a file.
      assert.equal(await lake.exists('raw'), false);
    });

    it('deletes files, and deleting a missing file is fine', async () => {
      await lake.put('tmp/del.json', 'x');
      await lake.delete('tmp/del.json');
      assert.equal(await lake.exists('tmp/del.json'), false);
      await lake.delete('tmp/del.json');
    });

    const LISTED = [
      'raw/spotify/recently_played/dt=2026-11-02/b.json',
      'raw/spotify/recently_played/dt=2026-11-02/a.json',
      'raw/spotify/recently_played/dt=2026-11-01/z.json',
      'raw/spotify/recently-x/file.json',
      'raw/spotify/profile/dt=2026-11-01/p.json',
      'raw/spotify/Zed.json',
      'raw/export/i1/Spotify Extended Streaming History/Streaming_History_Audio_2024.json',
      'raw/export/i1/ñandú – playlist.json',
      'gold/t/part.parquet',
    ];
    const byteOrder = (paths: string[]) =>
      [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));

    it('lists by prefix, as a plain string prefix', async () => {
      const own = await fresh();
      for (const p of LISTED) await own.put(p, p);
      // Compared in byte order here whatever the driver's order (that is the next case).
      const listed = async (prefix?: string) => byteOrder(await collect(own.list(prefix)));
      assert.deepEqual(await listed(), byteOrder(LISTED));
      assert.deepEqual(await listed('raw/spotify/recently_played/'), [
        'raw/spotify/recently_played/dt=2026-11-01/z.json',
        'raw/spotify/recently_played/dt=2026-11-02/a.json',
        'raw/spotify/recently_played/dt=2026-11-02/b.json',
      ]);
      // A prefix that ends mid-name matches like a string prefix.
      assert.deepEqual(await listed('raw/spotify/recently'), [
        'raw/spotify/recently-x/file.json',
        'raw/spotify/recently_played/dt=2026-11-01/z.json',
        'raw/spotify/recently_played/dt=2026-11-02/a.json',
        'raw/spotify/recently_played/dt=2026-11-02/b.json',
      ]);
      assert.deepEqual(await listed('nothing/here/'), []);
      const entries = [];
      for await (const e of own.list('gold/')) entries.push(e);
      assert.equal(entries[0]?.size, Buffer.byteLength('gold/t/part.parquet'));
      assert.ok(entries[0]?.modifiedAt instanceof Date);
    });

    it('lists only what sorts after startAfter, in byte order, within the prefix', async () => {
      const own = await fresh();
      for (const p of LISTED) await own.put(p, p);
      const after = async (prefix: string, startAfter: string) =>
        byteOrder(await collect(own.list(prefix, { startAfter })));
      const expected = (prefix: string, startAfter: string) =>
        byteOrder(LISTED).filter(
          (p) =>
            p.startsWith(prefix) && Buffer.compare(Buffer.from(p), Buffer.from(startAfter)) > 0,
        );
      // A listed name (itself left out), a name between two, one before all and one after all;
      // "recently-x" < "recently_played" and "ñ" after every ASCII letter, in bytes.
      for (const [prefix, startAfter] of [
        ['raw/spotify/', 'raw/spotify/recently_played/dt=2026-11-01/z.json'],
        ['raw/spotify/', 'raw/spotify/recently-x/zzz'],
        ['raw/', 'raw/export/i1/Spotify'],
        ['raw/export/', 'raw/export/i1/Z'],
        ['', 'a'],
        ['raw/', 'zzz'],
      ] as const) {
        assert.deepEqual(await after(prefix, startAfter), expected(prefix, startAfter), startAfter);
      }
      assert.ok(
        expected('raw/export/', 'raw/export/i1/Z').includes('raw/export/i1/ñandú – playlist.json'),
      );
    });

    it('lists in byte order, as object stores do', skipped('byteOrder'), async () => {
      const own = await fresh();
      for (const p of LISTED) await own.put(p, p);
      assert.deepEqual(await collect(own.list()), byteOrder(LISTED));
    });

    it('streams a large listing and can stop early', skipped('largeListing'), async () => {
      const own = await fresh();
      const count = 1500;
      const names = Array.from(
        { length: count },
        (_, i) => `raw/many/dt=2026-01-01/${String(i).padStart(5, '0')}.json`,
      );
      for (let i = 0; i < names.length; i += 100) {
        await Promise.all(names.slice(i, i + 100).map((n) => own.put(n, '{}')));
      }
      let seen = 0;
      for await (const _ of own.list('raw/many/')) {
        seen++;
        if (seen === 10) break;
      }
      assert.equal(seen, 10);
      const all = await collect(own.list('raw/many/'));
      assert.deepEqual(all, names);
    });

    it('refuses paths that could leave the lake, with a clear error', async () => {
      for (const path of HOSTILE_PATHS) {
        for (const op of [
          () => lake.put(path, 'x'),
          () => lake.get(path),
          () => lake.exists(path),
          () => lake.delete(path),
        ]) {
          await assert.rejects(op(), (error: unknown) => {
            assert.ok(error instanceof LakePathError, `${JSON.stringify(path)}: ${String(error)}`);
            assert.match(error.message, /^Refused lake path /);
            return true;
          });
        }
      }
      await assert.rejects(collect(lake.list('../')), LakePathError);
      const err = await lake.get('../../etc/passwd').catch((e: Error) => e);
      assert.match(String((err as Error).message), /"\.\.\/\.\.\/etc\/passwd".*leave the lake/);
    });

    it(
      'never shows a partial file when the writer is killed mid-put',
      skipped('crashMidPut'),
      async () => {
        assert.ok(target.childWriter, 'a driver must provide childWriter for the crash test');
        const own = await fresh();
        const child = target.childWriter(own);
        const chunks = 64; // 64 MiB
        const path = 'raw/export/big/Streaming_History_Audio_2024.json';

        const killed = await runWriter(child, path, chunks, 8, true);
        assert.equal(killed.signal, 'SIGKILL');
        assert.match(killed.stdout, /halfway/);
        // Absent or complete: never a prefix of the content.
        if (await own.exists(path)) {
          assert.ok(
            (await own.get(path)).equals(expectedContent(chunks)),
            'file exists but is not complete',
          );
        }
        assert.deepEqual(
          (await collect(own.list('raw/export/big/'))).filter((p) => p !== path),
          [],
          'no temporary file is visible',
        );

        // The next writer finishes the job.
        const finished = await runWriter(child, path, chunks, chunks + 1, false);
        assert.equal(finished.code, 0, finished.stderr);
        const content = await own.get(path);
        assert.equal(content.length, chunks * CHUNK_BYTES);
        assert.ok(content.equals(expectedContent(chunks)));
      },
    );
  });
}

const KILL_WRITER = fileURLToPath(new URL('./kill-writer.ts', import.meta.url));

function runWriter(
  child: { module: string; options: unknown },
  path: string,
  chunks: number,
  announceAfter: number,
  killAtHalfway: boolean,
): Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const proc = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        KILL_WRITER,
        child.module,
        JSON.stringify(child.options),
        path,
        String(chunks),
        String(announceAfter),
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
    proc.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
      if (killAtHalfway && stdout.includes('halfway')) proc.kill('SIGKILL');
    });
    proc.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
