import type { Command } from 'commander';
import { commandContext } from '../context.js';

export function registerDoctor(program: Command): void {
  program
    .command('doctor')
    .description('check Node, configuration, lake access, credentials and disk')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
      const { runDoctor } = await import('../../doctor/checks.js');
      const checks = await runDoctor(config);
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
        for (const s of config.describe()) {
          out.print(
            `  ${s.env.padEnd(22)} ${(s.value ?? out.color.dim('(not set)')).padEnd(40)} ${out.color.dim(s.source)}`,
          );
        }
      }
      process.exitCode = failed ? 1 : 0;
    });
}
