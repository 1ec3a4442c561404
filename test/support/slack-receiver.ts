import { type SlackStandIn, startSlackStandIn } from '../../src/notify/stand-in.js';

/** The tests' Slack: the product's local stand-in, at a fixed secret path the tests look for. */
export type SlackReceiver = SlackStandIn;

export function startSlackReceiver(
  secretPath = '/services/T000/B000/very-secret-token',
): Promise<SlackReceiver> {
  return startSlackStandIn({ secretPath });
}
