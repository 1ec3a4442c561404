import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../errors.js';
import { quoteForDisplay } from '../text.js';
import { readDotenv } from './dotenv.js';
import { SETTINGS, type SettingKey, type SettingSpec, type Settings } from './settings.js';
import { describeSource, type SettingSource } from './source.js';
import { Invalid } from './validators.js';

/** Values given on the command line, keyed by setting (only settings that have a flag). */
export type FlagValues = Partial<Record<SettingKey, string | undefined>>;

export interface LoadOptions {
  flags?: FlagValues;
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
}

export interface Config {
  settings: Settings;
  sources: Record<SettingKey, SettingSource>;
  /** Files that were read, for `wrapped doctor`. */
  files: { dotenv: string | undefined; configFile: string | undefined };
  /** Each setting for display, with secrets replaced by a marker. */
  describe(): DescribedSetting[];
  /** Replaces every secret value that occurs in `text`, for logs and error messages. */
  redact(text: string): string;
}

export interface DescribedSetting {
  key: SettingKey;
  env: string;
  value: string | null;
  secret: boolean;
  source: string;
}

export const CONFIG_FILE_NAME = 'config.json';
export const REDACTED = '[redacted]';

interface Candidate {
  raw: string;
  source: SettingSource;
}

/**
 * Settings come from flags, then the environment, then `.env` in the working directory, then
 * HOME/config.json, then defaults. Every value is validated here, at start-up, and all problems
 * are reported together so the user can fix them in one go.
 */
export function loadConfig(options: LoadOptions = {}): Config {
  const cwd = options.cwd ?? process.cwd();
  const env = options.env ?? process.env;
  const flags = options.flags ?? {};
  const dotenvPath = join(cwd, '.env');
  const dotenv = readDotenv(dotenvPath);
  const problems: string[] = [];

  const pick = (
    spec: SettingSpec,
    fileValues: Record<string, string> | undefined,
    file?: string,
  ) => {
    const flagValue = flags[spec.key];
    if (spec.flag !== undefined && flagValue !== undefined) {
      return { raw: flagValue, source: { kind: 'flag', flag: spec.flag } } satisfies Candidate;
    }
    const envValue = env[spec.env];
    if (envValue !== undefined && envValue !== '') {
      return { raw: envValue, source: { kind: 'env', variable: spec.env } } satisfies Candidate;
    }
    const dotenvValue = dotenv?.[spec.env];
    if (dotenvValue !== undefined && dotenvValue !== '') {
      return {
        raw: dotenvValue,
        source: { kind: 'dotenv', variable: spec.env, file: dotenvPath },
      } satisfies Candidate;
    }
    const fileValue = spec.configKey === undefined ? undefined : fileValues?.[spec.configKey];
    if (fileValue !== undefined && file !== undefined && spec.configKey !== undefined) {
      return {
        raw: fileValue,
        source: { kind: 'config-file', key: spec.configKey, file },
      } satisfies Candidate;
    }
    return undefined;
  };

  const values: Partial<Record<SettingKey, unknown>> = {};
  const sources: Partial<Record<SettingKey, SettingSource>> = {};

  const resolveOne = (
    spec: SettingSpec,
    home: string,
    fileValues?: Record<string, string>,
    file?: string,
  ) => {
    const candidate = pick(spec, fileValues, file) ?? defaultCandidate(spec, { cwd, env, home });
    if (candidate === undefined) {
      values[spec.key] = undefined;
      sources[spec.key] = { kind: 'default' };
      return;
    }
    try {
      values[spec.key] = spec.parse(candidate.raw, { cwd });
      sources[spec.key] = candidate.source;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push(describeProblem(spec, candidate, error.message));
    }
  };

  // HOME first: the config file lives inside it.
  const homeSpec = SETTINGS[0] as SettingSpec;
  resolveOne(homeSpec, '');
  const home = values.home as string | undefined;
  if (home === undefined) throw new ConfigError(problems.join('\n'), { hint: HINT });

  const configFile = join(home, CONFIG_FILE_NAME);
  const fileValues = readConfigFile(configFile);
  for (const spec of SETTINGS.slice(1) as readonly SettingSpec[]) {
    resolveOne(spec, home, fileValues, configFile);
  }
  if (problems.length > 0) {
    throw new ConfigError(problems.join('\n'), { hint: HINT });
  }

  return assembleConfig(values as Settings, sources as Record<SettingKey, SettingSource>, {
    dotenv: dotenv === undefined ? undefined : dotenvPath,
    configFile: fileValues ? configFile : undefined,
  });
}

/** A secret setting's value found after start-up (in Key Vault, src/secrets/), and where. */
export interface LateSecret {
  raw: string;
  source: SettingSource;
}

/**
 * The configuration with secrets fetched after start-up put in: each is validated like any
 * other value (an error names where it came from, never the value), and is redacted from then on.
 */
export function withLateSecrets(
  config: Config,
  found: Partial<Record<SettingKey, LateSecret>>,
): Config {
  const settings = { ...config.settings } as Record<SettingKey, unknown>;
  const sources = { ...config.sources };
  const problems: string[] = [];
  for (const spec of SETTINGS as readonly SettingSpec[]) {
    const candidate = found[spec.key];
    if (candidate === undefined) continue;
    try {
      settings[spec.key] = spec.parse(candidate.raw, { cwd: process.cwd() });
      sources[spec.key] = candidate.source;
    } catch (error) {
      if (!(error instanceof Invalid)) throw error;
      problems.push(describeProblem(spec, candidate, error.message));
    }
  }
  if (problems.length > 0) throw new ConfigError(problems.join('\n'), { hint: HINT });
  return assembleConfig(settings as unknown as Settings, sources, config.files);
}

function assembleConfig(
  settings: Settings,
  sources: Record<SettingKey, SettingSource>,
  files: Config['files'],
): Config {
  const secretValues = SETTINGS.filter((s) => 'secret' in s && s.secret)
    .map((s) => settings[s.key])
    .filter((value): value is string => typeof value === 'string' && value.length > 0)
    .flatMap(secretParts);

  return {
    settings,
    sources,
    files,
    describe: () =>
      SETTINGS.map((spec) => {
        const secret = 'secret' in spec && spec.secret === true;
        const value = settings[spec.key];
        return {
          key: spec.key,
          env: spec.env,
          value: value === undefined ? null : secret ? REDACTED : displayValue(value),
          secret,
          source: describeSource(sources[spec.key] ?? { kind: 'default' }),
        };
      }),
    redact: (text) => redactValues(text, secretValues),
  };
}

const HINT =
  'Fix the value where the message says it came from (a flag, the environment, .env, or ' +
  'config.json in HOME), then run the command again. `wrapped doctor` lists every setting.';

function defaultCandidate(
  spec: SettingSpec,
  ctx: { cwd: string; env: LoadOptions['env'] & object; home: string },
): Candidate | undefined {
  if (spec.defaultValue === undefined) return undefined;
  return { raw: spec.defaultValue(ctx), source: { kind: 'default' } };
}

function describeProblem(spec: SettingSpec, candidate: Candidate, expected: string): string {
  const shown = spec.secret ? '(value hidden)' : quoteForDisplay(candidate.raw);
  return `${spec.env} = ${shown} (from ${describeSource(candidate.source)}) is not valid: expected ${expected}.`;
}

function displayValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'url' in value)
    return String((value as { url: string }).url);
  return String(value);
}

/**
 * A secret and the secrets inside it: an Azure connection string's key or SAS can surface on
 * their own (in a service's error message, say), so each is redacted by itself too.
 */
function secretParts(value: string): string[] {
  const parts = [...value.matchAll(/(?:AccountKey|SharedAccessSignature)=([^;]+)/g)]
    .map((m) => m[1])
    .filter((part): part is string => part !== undefined && part.length >= 8);
  return [...urlSecrets(value), ...parts];
}

/**
 * A URL that is a secret (a Slack webhook) and the parts of it that are secret on their own:
 * its path, and each long path segment (a server may echo just those back).
 */
export function urlSecrets(value: string): string[] {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return [value];
  }
  if (!/^https?:$/.test(url.protocol) || url.pathname.length <= 1) return [value];
  const segments = url.pathname.split('/').filter((segment) => segment.length >= 8);
  return [value, url.pathname, ...segments];
}

export function redactValues(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret.length === 0) continue;
    out = out.split(secret).join(REDACTED);
    // Secrets can also surface percent-encoded (in URLs and form bodies).
    const encoded = encodeURIComponent(secret);
    if (encoded !== secret) out = out.split(encoded).join(REDACTED);
  }
  return out;
}

function readConfigFile(file: string): Record<string, string> | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConfigError(`Cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new ConfigError(`${file} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Fix the file or remove it; every setting can also come from the environment or .env.',
    });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigError(
      `${file} must hold a JSON object of settings, such as {"timezone": "Europe/Berlin"}.`,
    );
  }
  const known = new Set(
    SETTINGS.map((s) => ('configKey' in s ? s.configKey : undefined)).filter(Boolean),
  );
  const result: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (!known.has(key)) {
      throw new ConfigError(
        `${file} has an unknown setting ${quoteForDisplay(key)}. Known settings: ${[...known].join(', ')}.`,
      );
    }
    if (typeof value !== 'string') {
      throw new ConfigError(
        `"${key}" in ${file} must be a string, not ${value === null ? 'null' : typeof value}.`,
      );
    }
    result[key] = value;
  }
  return result;
}
