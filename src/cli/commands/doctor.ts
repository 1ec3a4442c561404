import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Node, configuration, lake access, credentials and disk')
    .option('--fix', 'remove what killed imports and extracts left in the lake')
    .action(async (options: { fix?: boolean }, command: Command) => {
      const context = commandContext(command);
      const { out } = context;
      const { runDoctor } = await import('../../doctor/checks.js');
      const { checks, config } = await runDoctor(context.config, { fix: options.fix });
      const failed = checks.some((c) => c.status === 'fail');
      if (out.json) {
        out.printJson({ ok: !failed, checks, settings: config.describe() });
      } else {
        const mark = {
          ok: out.color.green('✓'),
          warn: out.color.yellow('!'),
          fail: out.color.red('✗'),
        };
        for (const c of checks) {
          out.print(`${mark[c.status]} ${c.name.padEnd(9)} ${c.summary}`);
          if (c.hint && c.status !== 'ok') out.print(`  ${out.color.dim(`-> ${c.hint}`)}`);
        }
        out.print('\nSettings:');
        const settings = config.describe();
        const width = Math.max(...settings.map((s) => s.env.length));
        for (const s of settings) {
          // Padded before colouring: escape codes would count as width.
          const value = (s.value ?? '(not set)').padEnd(40);
          out.print(
            `  ${s.env.padEnd(width)} ${s.value === null ? out.color.dim(value) : value} ${out.color.dim(s.source)}`,
          );
        }
      }
      process.exitCode = failed ? 1 : 0;
    });
}
