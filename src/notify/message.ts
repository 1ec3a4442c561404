/**
 * A neutral message: what happened, in a title, a few lines and labelled facts. Renderers turn
 * it into Slack Block Kit (or anything else); nothing here knows about Slack.
 */
export type Severity = 'info' | 'warning' | 'error' | 'ok';

export interface Message {
  /** Which incident or report this is, e.g. `run_failed`, `recovered`, `test`. */
  kind: string;
  severity: Severity;
  title: string;
  lines: string[];
  facts?: Array<{ label: string; value: string }>;
  /** What to do next, when there is something to do. */
  hint?: string;
  /** Where to look, e.g. the dashboard. */
  link?: { label: string; url: string };
}
