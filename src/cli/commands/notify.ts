import type { Command } from 'commander';
import { ConfigError } from '../../errors.js';
import { commandContext } from '../context.js';

export function registerNotify(program: Command): void {
  const notify = program.command('notify').description('Slack notifications');
  notify
    .command('test')
    .description('send a sample message to the configured Slack webhook')
    .action(async (_options, command: Command) => {
      const { config, out } = commandContext(command);
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
}
