import type { Config } from '../config/load.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { DEFAULT_LISTENER } from '../listeners/registry.js';
import { type Delivery, Notifier } from '../notify/notifier.js';
import { openWarehouse } from '../warehouse/index.js';
import { buildWeeklySummary, type WeeklySummary, weeklySummaryMessage } from './weekly-summary.js';

/** What the scheduler remembers about summaries: which week went out last, and when. */
export interface SummaryState {
  last_week: string;
  sent_at: string;
}

const STATE = layout.state('summary.json');

export async function readSummaryState(lake: Lake): Promise<SummaryState | undefined> {
  if (!(await lake.exists(STATE))) return undefined;
  return JSON.parse((await lake.get(STATE)).toString('utf8')) as SummaryState;
}

export interface SummaryResult {
  summary: WeeklySummary;
  delivery: Delivery | null;
}

/**
 * Builds the weekly summary from gold and sends it to Slack (when a webhook is configured and
 * `send` is not false). A failed send waits in the outbox like any message.
 */
export async function sendWeeklySummary(options: {
  config: Config;
  lake: Lake;
  now: Date;
  week?: string;
  send?: boolean;
}): Promise<SummaryResult> {
  const { config, lake } = options;
  // One listener's week (`me`'s until a lake has more: src/listeners).
  const warehouse = await openWarehouse(config, lake, { listener: DEFAULT_LISTENER });
  let summary: WeeklySummary;
  try {
    summary = await buildWeeklySummary(warehouse, {
      week: options.week,
      now: options.now,
      by: config.settings.rankBy,
    });
  } finally {
    warehouse.close();
  }
  if (options.send === false || !config.settings.slackWebhookUrl)
    return { summary, delivery: null };
  const message = weeklySummaryMessage(summary, config.settings.dashboardUrl);
  const delivery = await new Notifier(lake, config.settings.slackWebhookUrl).deliver([message]);
  if (delivery.error) delivery.error = config.redact(delivery.error);
  const state: SummaryState = { last_week: summary.week, sent_at: options.now.toISOString() };
  await lake.put(STATE, `${JSON.stringify(state, null, 2)}\n`);
  return { summary, delivery };
}
