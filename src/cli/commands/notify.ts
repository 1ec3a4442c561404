import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { secretsContext } from '../context.js';

export function registerNotify(program: Command): void {
  const notify = program.command('notify').description('Slack notifications');
  notify
    .command('test')
    .description('send a sample message to the configured Slack webhook')
    .action(async (_options, command: Command) => {
      const { config, out } = await secretsContext(command);
      const url = config.settings.slackWebhookUrl;
      if (!url)
        throw new ConfigError('SLACK_WEBHOOK_URL is not set.', {
          hint: 'Create an incoming webhook in Slack, then run `wrapped init --slack-webhook URL` or put it in .env.',
        });
      const { sendToWebhook } = await import('../../notify/webhook.js');
      const result = await sendToWebhook(url, {
        kind: 'test',
        severity: 'info',
        title: 'wrapped-me: test message',
        lines: ['If you can read this, alerts and the weekly summary will reach this channel.'],
      });
      if (out.json) out.printJson(result);
      else out.print(result.ok ? 'Sent: check the channel.' : `Not sent: ${result.error}.`);
      process.exitCode = result.ok ? 0 : 1;
    });

  notify
    .command('summary')
    .description('the weekly summary from gold: printed, and sent to Slack when a webhook is set')
    .option('--week <yyyy-Www>', 'an ISO week such as 2026-W47 (default: the last complete week)')
    .option('--no-send', 'print it only')
    .option('--by <measure>', 'rank the top lists by plays or minutes (default: WRAPPED_RANK_BY)')
    .action(async (options: { week?: string; send: boolean }, command: Command) => {
      const { config, out } = await secretsContext(command);
      const { openLake } = await import('../../lake/open.js');
      const { sendWeeklySummary } = await import('../../pipeline/summary.js');
      const { weeklySummaryMessage } = await import('../../pipeline/weekly-summary.js');
      const { summary, delivery } = await sendWeeklySummary({
        config,
        lake: openLake(config.settings),
        now: config.settings.now ? new Date(config.settings.now) : new Date(),
        week: options.week,
        send: options.send,
      });
      if (out.json) out.printJson({ ...summary, delivery });
      else {
        const message = weeklySummaryMessage(summary);
        out.print(out.color.bold(message.title));
        for (const line of message.lines) out.print(`  ${line}`);
        if (delivery === null)
          out.print(
            out.color.dim(
              options.send ? 'Not sent: SLACK_WEBHOOK_URL is not set.' : 'Not sent (--no-send).',
            ),
          );
        else if (delivery.error)
          out.print(out.color.yellow(`Not sent: ${delivery.error} (it waits in the outbox).`));
        else out.print('Sent to Slack.');
      }
      if (delivery?.error) process.exitCode = 1;
    });
}
