import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import type { Message } from './message.js';
import { sendToWebhook } from './webhook.js';

const OUTBOX = layout.state('notify/outbox.json');

export interface Delivery {
  sent: number;
  failed: number;
  error?: string;
}

/**
 * Delivers messages to the configured webhook. Messages that could not be sent wait in an
 * outbox in the lake and go out, oldest first, with the next delivery. No webhook configured:
 * nothing is sent and nothing waits (the CLI and `wrapped status` still show incidents).
 */
export class Notifier {
  constructor(
    private readonly lake: Lake,
    private readonly webhookUrl: string | undefined,
  ) {}

  async deliver(messages: Message[]): Promise<Delivery> {
    if (!this.webhookUrl) return { sent: 0, failed: 0 };
    const waiting = await this.outbox();
    const queue = [...waiting, ...messages];
    let sent = 0;
    let error: string | undefined;
    const left: Message[] = [];
    for (const message of queue) {
      if (error) {
        left.push(message);
        continue;
      }
      const result = await sendToWebhook(this.webhookUrl, message);
      if (result.ok) sent++;
      else {
        error = result.error;
        left.push(message);
      }
    }
    if (left.length > 0 || waiting.length > 0)
      await this.lake.put(OUTBOX, `${JSON.stringify(left.slice(-100), null, 2)}\n`);
    return { sent, failed: left.length, error };
  }

  private async outbox(): Promise<Message[]> {
    if (!(await this.lake.exists(OUTBOX))) return [];
    try {
      return JSON.parse((await this.lake.get(OUTBOX)).toString('utf8')) as Message[];
    } catch {
      return [];
    }
  }
}
