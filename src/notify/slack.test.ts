import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { renderSlack, SLACK_LIMITS } from './slack.js';

describe('Slack rendering', () => {
  it('keeps within Block Kit limits and escapes what came from data', () => {
    const rendered = renderSlack({
      kind: 'run_failed',
      severity: 'error',
      title: 'T'.repeat(400),
      lines: ['<script> & friends', 'x'.repeat(5000)],
      facts: Array.from({ length: 30 }, (_, i) => ({ label: `fact ${i}`, value: 'v' })),
      hint: 'Run `wrapped auth login`',
    });
    const blocks = rendered.blocks as Array<{
      type: string;
      text?: { text: string };
      fields?: unknown[];
    }>;
    assert.ok(blocks.length <= SLACK_LIMITS.blocks);
    assert.equal(blocks[0]?.text?.text.length, SLACK_LIMITS.header);
    assert.ok((blocks[1]?.text?.text.length ?? 0) <= SLACK_LIMITS.section);
    assert.match(blocks[1]?.text?.text ?? '', /&lt;script&gt; &amp; friends/);
    assert.ok((blocks[2]?.fields?.length ?? 0) <= 10);
    assert.ok(rendered.text.length <= SLACK_LIMITS.fallback);
    assert.match(JSON.stringify(blocks.at(-1)), /Next: Run `wrapped auth login`/);
  });
});

describe('Slack links', () => {
  it('renders a link a hostile label or URL cannot break out of', () => {
    const rendered = renderSlack({
      kind: 'weekly_summary',
      severity: 'info',
      title: 'week',
      lines: ['x'],
      link: { label: 'Dash|board <b>', url: 'http://127.0.0.1:8787/health?a=1|2>' },
    });
    const last = JSON.stringify(rendered.blocks.at(-1));
    assert.match(last, /<http:\/\/127\.0\.0\.1:8787\/health\?a=1%7C2%3E\|Dash-board &lt;b&gt;>/);
    assert.match(rendered.text, /Dash\|board <b>: http:\/\/127\.0\.0\.1:8787/);
  });

  it('leaves out a link that is not http(s)', () => {
    const rendered = renderSlack({
      kind: 'x',
      severity: 'info',
      title: 't',
      lines: ['x'],
      link: { label: 'evil', url: 'javascript:alert(1)' },
    });
    assert.doesNotMatch(JSON.stringify(rendered), /javascript/);
  });
});
