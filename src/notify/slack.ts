import type { Message } from './message.js';

/** Slack's limits for incoming webhooks with Block Kit. */
export const SLACK_LIMITS = { header: 150, section: 3000, blocks: 50, fallback: 3000 } as const;

const ICON: Record<Message['severity'], string> = {
  info: ':information_source:',
  warning: ':warning:',
  error: ':rotating_light:',
  ok: ':white_check_mark:',
};

function cut(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** Slack mrkdwn treats &, < and > specially: escape what came from data. */
function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

/** Block Kit payload with a plain `text` fallback (what notifications and old clients show). */
export function renderSlack(message: Message): { text: string; blocks: unknown[] } {
  const blocks: unknown[] = [
    {
      type: 'header',
      text: { type: 'plain_text', text: cut(`${message.title}`, SLACK_LIMITS.header), emoji: true },
    },
  ];
  const body = message.lines.map(escapeMrkdwn).join('\n');
  if (body)
    blocks.push({
      type: 'section',
      text: {
        type: 'mrkdwn',
        text: cut(`${ICON[message.severity]} ${body}`, SLACK_LIMITS.section),
      },
    });
  const facts = (message.facts ?? []).slice(0, 10);
  if (facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: facts.map((f) => ({
        type: 'mrkdwn',
        text: cut(`*${escapeMrkdwn(f.label)}*\n${escapeMrkdwn(f.value)}`, 2000),
      })),
    });
  }
  if (message.hint)
    blocks.push({
      type: 'context',
      elements: [
        { type: 'mrkdwn', text: cut(`Next: ${escapeMrkdwn(message.hint)}`, SLACK_LIMITS.section) },
      ],
    });
  const link = message.link && /^https?:\/\//.test(message.link.url) ? message.link : undefined;
  if (link) {
    // Slack links are <url|label>: a URL may not carry `|`, `<` or `>` (encoded, they still work).
    const url = link.url.replace(/[|<> ]/g, (c) => encodeURIComponent(c));
    const label = escapeMrkdwn(link.label).replaceAll('|', '-');
    blocks.push({
      type: 'section',
      text: { type: 'mrkdwn', text: cut(`<${url}|${label}>`, SLACK_LIMITS.section) },
    });
  }
  const text = cut(
    [
      message.title,
      ...message.lines,
      message.hint ? `Next: ${message.hint}` : '',
      link ? `${link.label}: ${link.url}` : '',
    ]
      .filter(Boolean)
      .join(' — '),
    SLACK_LIMITS.fallback,
  );
  return { text, blocks: blocks.slice(0, SLACK_LIMITS.blocks) };
}
