import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerLoads(program: Command): void {
  const loads = program
    .command('loads')
    .description('list what each extract and import landed, or take one back out of the lake');

  loads
    .command('list')
    .description('every extract and import: source, files, records, when')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { listLoads } = await import('../../pipeline/loads.js');
      const { escapeControlCharacters } = await import('../../text.js');
      const list = await listLoads(openLake(config.settings));
      if (out.json) {
        out.printJson(list);
        return;
      }
      if (list.length === 0) {
        out.print('No loads yet: `wrapped import` your data export, or `wrapped run`.');
        return;
      }
      for (const l of list) {
        const what = l.input ? ` from ${escapeControlCharacters(l.input)}` : '';
        out.print(
          `${l.load_id}  ${l.kind.padEnd(7)} ${l.source.padEnd(16)} ${String(l.files).padStart(4)} files ${l.records.toLocaleString('en-US').padStart(9)} records  ${l.finished_at.slice(0, 19).replace('T', ' ')} UTC${l.status === 'ok' ? '' : ` (${l.status})`}${what}`,
        );
      }
      out.print(`${list.length} loads. Take one back with \`wrapped loads remove LOAD_ID\`.`);
    });

  loads
    .command('remove')
    .description('take a load out of the lake; the next transform builds as if it never landed')
    .argument('<load_id>', 'as `wrapped loads list` shows it')
    .action(async (loadId: string, _options, command: Command) => {
      const { config, out } = commandContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { removeLoad } = await import('../../pipeline/loads.js');
      const { transformLock } = await import('../../pipeline/transform.js');
      const lake = openLake(config.settings);
      // Not while a build reads the raw files.
      const lock = transformLock(lake);
      await lock.acquire();
      try {
        const removed = await removeLoad(lake, loadId);
        if (out.json) out.printJson({ removed });
        else
          out.print(
            `Removed ${removed.kind} ${removed.load_id}: ${removed.files} files, ${removed.records.toLocaleString('en-US')} records.\nNext: wrapped transform (it rebuilds what the load was in).`,
          );
      } finally {
        await lock.release();
      }
    });
}
