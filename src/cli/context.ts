import type { Command } from 'commander';
import { type Config, loadConfig } from '../config/load.js';
import { createOutput, type Output } from './output.js';

export interface GlobalFlags {
  home?: string;
  lake?: string;
  timezone?: string;
  engine?: string;
  models?: string;
  /** A command's own `--by` (recap, notify summary): what top lists rank by. */
  by?: string;
  json?: boolean;
}

export interface CommandContext {
  config: Config;
  out: Output;
}

/** Loads and validates the configuration for a command (exits 2 on a bad setting, via ConfigError). */
export function commandContext(command: Command): CommandContext {
  const flags = command.optsWithGlobals<GlobalFlags>();
  const out = createOutput({ json: Boolean(flags.json) });
  const config = loadConfig({
    flags: {
      home: flags.home,
      lake: flags.lake,
      timezone: flags.timezone,
      engine: flags.engine,
      modelsDir: flags.models,
      rankBy: flags.by,
    },
  });
  lastConfig = config;
  return { config, out };
}

/**
 * The same, with the secrets Key Vault holds (KEY_VAULT_URL) read in: for the commands that use
 * the client secret or the Slack webhook. Others never touch the vault.
 */
export async function secretsContext(command: Command): Promise<CommandContext> {
  const context = commandContext(command);
  if (context.config.settings.keyVaultUrl === undefined) return context;
  const { withVaultSecrets } = await import('../secrets/late-secrets.js');
  const config = await withVaultSecrets(context.config);
  lastConfig = config;
  return { ...context, config };
}

let lastConfig: Config | undefined;

/** The configuration of the running command, if it got that far: the error printer redacts with it. */
export function currentConfig(): Config | undefined {
  return lastConfig;
}
