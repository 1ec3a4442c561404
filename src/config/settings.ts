import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ENGINE_NAMES, type EngineName } from '../warehouse/engines/engine.js';
import * as v from './validators.js';

/** The validated settings every command receives. */
export interface Settings {
  home: string;
  lake: v.LakeLocation;
  timezone: string;
  /** The SQL engine that builds the tables (src/warehouse/engines/). */
  engine: EngineName;
  /** What top lists rank by, where the user does not pick on the spot (recap, weekly summary). */
  rankBy: 'plays' | 'minutes';
  modelsDir: string;
  spotifyClientId: string | undefined;
  spotifyClientSecret: string | undefined;
  spotifyRedirectUri: string;
  spotifyAccountsUrl: string;
  spotifyApiUrl: string;
  slackWebhookUrl: string | undefined;
  schedule: string;
  summarySchedule: string;
  dashboardUrl: string | undefined;
  serveToken: string | undefined;
  /** Where the login and rate-limit blocks live: HOME, the lake, or `auto` (the lake when it is in the cloud). */
  state: 'auto' | 'home' | 'lake';
  stateKey: string | undefined;
  /** Azure Key Vault that holds the client secret, the Slack webhook and the login (optional). */
  keyVaultUrl: string | undefined;
  azureConnectionString: string | undefined;
  azureAccount: string | undefined;
  azureKey: string | undefined;
  azureSasToken: string | undefined;
  azureBlobEndpoint: string | undefined;
  s3Endpoint: string | undefined;
  s3PathStyle: boolean;
  s3Region: string | undefined;
  databricksHost: string | undefined;
  databricksHttpPath: string | undefined;
  databricksToken: string | undefined;
  databricksClientId: string | undefined;
  databricksClientSecret: string | undefined;
  databricksCatalog: string;
  spotifyMaxWaitSeconds: number;
  /** Pretend the time is this (tests and the demo run against the simulator's clock). */
  now: string | undefined;
}

export type SettingKey = keyof Settings;

export interface DefaultContext {
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
  home: string;
}

export interface SettingSpec<K extends SettingKey = SettingKey> {
  key: K;
  /** Environment variable (also read from `.env`). */
  env: string;
  /** Command-line flag, when the setting has one. Secrets never do: argv is visible in `ps`. */
  flag?: string;
  /** Key in HOME/config.json; `home` has none, since the file lives inside it. */
  configKey?: string;
  secret?: boolean;
  description: string;
  defaultValue?: (ctx: DefaultContext) => string;
  parse: (raw: string, ctx: { cwd: string }) => Settings[K];
}

/** Where the product keeps its data when nothing says otherwise (XDG base directories). */
export function defaultHome(env: Readonly<Record<string, string | undefined>>): string {
  const dataHome = env.XDG_DATA_HOME?.trim() || join(homedir(), '.local', 'share');
  return join(dataHome, 'wrapped-me');
}

/** The `models/` folder shipped with the package (dist/config/settings.js -> ../../models). */
export function packagedModelsDir(): string {
  return resolve(fileURLToPath(new URL('../../models', import.meta.url)));
}

function spec<K extends SettingKey>(s: SettingSpec<K>): SettingSpec<K> {
  return s;
}

/** Order matters only for display: `wrapped doctor` lists settings in this order. */
export const SETTINGS = [
  spec({
    key: 'home',
    env: 'WRAPPED_HOME',
    flag: '--home',
    description: 'folder for tokens, state, the warehouse and (by default) the lake',
    defaultValue: ({ env }) => defaultHome(env),
    parse: (raw, { cwd }) => v.absolutePath(cwd)(raw),
  }),
  spec({
    key: 'lake',
    env: 'WRAPPED_LAKE',
    flag: '--lake',
    configKey: 'lake',
    description: 'where raw files and tables live: a folder, az://, abfss:// or s3://',
    defaultValue: ({ home }) => join(home, 'lake'),
    parse: (raw, { cwd }) => v.lakeLocation(cwd)(raw),
  }),
  spec({
    key: 'timezone',
    env: 'WRAPPED_TIMEZONE',
    flag: '--timezone',
    configKey: 'timezone',
    description: 'IANA time zone that days, weeks and the listening clock are cut in',
    defaultValue: () => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    parse: (raw) => v.timeZone(raw),
  }),
  spec({
    key: 'engine',
    env: 'WRAPPED_ENGINE',
    flag: '--engine',
    configKey: 'engine',
    description: 'SQL engine that builds the tables: duckdb (embedded), spark or databricks',
    defaultValue: () => 'duckdb',
    parse: (raw) => v.oneOf(ENGINE_NAMES)(raw),
  }),
  spec({
    key: 'rankBy',
    env: 'WRAPPED_RANK_BY',
    flag: '--by',
    configKey: 'rank_by',
    description: 'what top lists rank by: plays (then minutes) or minutes (then plays)',
    defaultValue: () => 'plays',
    parse: (raw) => v.oneOf(['plays', 'minutes'] as const)(raw),
  }),
  spec({
    key: 'modelsDir',
    env: 'WRAPPED_MODELS',
    flag: '--models',
    configKey: 'models',
    description: 'folder of SQL models (bronze/, silver/, gold/)',
    defaultValue: () => packagedModelsDir(),
    parse: (raw, { cwd }) => v.absolutePath(cwd)(raw),
  }),
  spec({
    key: 'spotifyClientId',
    env: 'SPOTIFY_CLIENT_ID',
    configKey: 'spotify_client_id',
    description: "your Spotify app's client id (developer dashboard)",
    parse: v.nonEmpty('the client id shown in the Spotify developer dashboard'),
  }),
  spec({
    key: 'spotifyClientSecret',
    env: 'SPOTIFY_CLIENT_SECRET',
    configKey: 'spotify_client_secret',
    secret: true,
    description: 'client secret (optional: without it, login uses PKCE)',
    parse: v.nonEmpty('the client secret shown in the Spotify developer dashboard'),
  }),
  spec({
    key: 'spotifyRedirectUri',
    env: 'SPOTIFY_REDIRECT_URI',
    configKey: 'spotify_redirect_uri',
    description: 'redirect URI registered in the Spotify app',
    defaultValue: () => 'http://127.0.0.1:8888/callback',
    parse: v.redirectUri,
  }),
  spec({
    key: 'spotifyAccountsUrl',
    env: 'SPOTIFY_ACCOUNTS_URL',
    configKey: 'spotify_accounts_url',
    description: 'Spotify accounts service (the simulator in tests and the demo)',
    defaultValue: () => 'https://accounts.spotify.com',
    parse: v.httpUrl,
  }),
  spec({
    key: 'spotifyApiUrl',
    env: 'SPOTIFY_API_URL',
    configKey: 'spotify_api_url',
    description: 'Spotify Web API base (the simulator in tests and the demo)',
    defaultValue: () => 'https://api.spotify.com/v1',
    parse: v.httpUrl,
  }),
  spec({
    key: 'slackWebhookUrl',
    env: 'SLACK_WEBHOOK_URL',
    configKey: 'slack_webhook_url',
    secret: true,
    description: 'Slack incoming webhook for alerts and the weekly summary (optional)',
    parse: v.webhookUrl,
  }),
  spec({
    key: 'schedule',
    env: 'WRAPPED_SCHEDULE',
    configKey: 'schedule',
    description: 'cron expression for pipeline runs by `wrapped schedule` (your time zone)',
    defaultValue: () => '0 * * * *',
    parse: v.cronExpression,
  }),
  spec({
    key: 'summarySchedule',
    env: 'WRAPPED_SUMMARY_SCHEDULE',
    configKey: 'summary_schedule',
    description: 'cron expression for the weekly Slack summary (your time zone)',
    defaultValue: () => '0 9 * * 1',
    parse: v.cronExpression,
  }),
  spec({
    key: 'serveToken',
    env: 'WRAPPED_SERVE_TOKEN',
    configKey: 'serve_token',
    secret: true,
    description: 'access token `wrapped serve` requires when bound beyond loopback (optional)',
    parse: (raw: string) => raw.trim(),
  }),
  spec({
    key: 'state',
    env: 'WRAPPED_STATE',
    configKey: 'state',
    description:
      'where the login and rate-limit blocks live: home, lake, or auto (the lake when it is in the cloud, so a run can start from an empty HOME)',
    defaultValue: () => 'auto',
    parse: v.oneOf(['auto', 'home', 'lake'] as const),
  }),
  spec({
    key: 'stateKey',
    env: 'WRAPPED_STATE_KEY',
    secret: true,
    description:
      'the key that seals the login kept in a lake (32 bytes, base64: `openssl rand -base64 32`)',
    parse: (raw: string) => raw.trim(),
  }),
  spec({
    key: 'keyVaultUrl',
    env: 'KEY_VAULT_URL',
    configKey: 'key_vault_url',
    description:
      'Azure Key Vault holding the client secret, the Slack webhook and the login (optional; src/secrets/)',
    parse: v.keyVaultUrl,
  }),
  spec({
    key: 'dashboardUrl',
    env: 'WRAPPED_DASHBOARD_URL',
    configKey: 'dashboard_url',
    description: 'where your dashboard is reachable, for links in Slack messages (optional)',
    parse: v.httpUrl,
  }),
  // Cloud lakes (only read when WRAPPED_LAKE is az://, abfss:// or s3://). The Azure names are
  // the ones the Azure CLI and SDKs already use, so an existing setup carries over.
  spec({
    key: 'azureConnectionString',
    env: 'AZURE_STORAGE_CONNECTION_STRING',
    secret: true,
    description: 'Azure lake: a storage connection string (one way to sign in)',
    parse: v.nonEmpty('a connection string from the storage account\'s "Access keys" page'),
  }),
  spec({
    key: 'azureAccount',
    env: 'AZURE_STORAGE_ACCOUNT',
    configKey: 'azure_storage_account',
    description: 'Azure lake: the storage account name (abfss:// URLs carry it already)',
    parse: v.azureAccountName,
  }),
  spec({
    key: 'azureKey',
    env: 'AZURE_STORAGE_KEY',
    secret: true,
    description: 'Azure lake: an account key (with AZURE_STORAGE_ACCOUNT)',
    parse: v.nonEmpty("one of the storage account's two access keys (base64)"),
  }),
  spec({
    key: 'azureSasToken',
    env: 'AZURE_STORAGE_SAS_TOKEN',
    secret: true,
    description: 'Azure lake: a SAS token with read, write, delete and list on the container',
    parse: (raw: string) =>
      v.nonEmpty('a SAS token such as sv=...&sig=...')(raw).replace(/^\?/, ''),
  }),
  spec({
    key: 'azureBlobEndpoint',
    env: 'AZURE_STORAGE_BLOB_ENDPOINT',
    configKey: 'azure_storage_blob_endpoint',
    description:
      'Azure lake: the Blob endpoint, when not https://ACCOUNT.blob.core.windows.net (Azurite, sovereign clouds)',
    parse: v.httpUrl,
  }),
  spec({
    key: 's3Endpoint',
    env: 'WRAPPED_S3_ENDPOINT',
    configKey: 's3_endpoint',
    description: 'S3 lake: a custom endpoint (MinIO, R2 ...); credentials come from the AWS chain',
    parse: v.httpUrl,
  }),
  spec({
    key: 's3PathStyle',
    env: 'WRAPPED_S3_PATH_STYLE',
    configKey: 's3_path_style',
    description: 'S3 lake: address buckets as ENDPOINT/bucket rather than bucket.ENDPOINT',
    defaultValue: () => 'false',
    parse: v.booleanFlag,
  }),
  spec({
    key: 's3Region',
    env: 'AWS_REGION',
    configKey: 's3_region',
    description: "S3 lake: the bucket's region (default us-east-1)",
    parse: v.nonEmpty('a region name such as eu-west-1'),
  }),
  spec({
    key: 'databricksHost',
    env: 'DATABRICKS_HOST',
    configKey: 'databricks_host',
    description: 'Databricks engine: the workspace URL (https://adb-....azuredatabricks.net)',
    parse: v.databricksHost,
  }),
  spec({
    key: 'databricksHttpPath',
    env: 'DATABRICKS_HTTP_PATH',
    configKey: 'databricks_http_path',
    description: "Databricks engine: the SQL warehouse's HTTP path (/sql/1.0/warehouses/...)",
    parse: v.urlPath,
  }),
  spec({
    key: 'databricksToken',
    env: 'DATABRICKS_TOKEN',
    secret: true,
    description: 'Databricks engine: a personal access token (or use a client id and secret)',
    parse: v.nonEmpty('a Databricks personal access token (dapi...)'),
  }),
  spec({
    key: 'databricksClientId',
    env: 'DATABRICKS_CLIENT_ID',
    configKey: 'databricks_client_id',
    description: "Databricks engine: a service principal's OAuth client id (machine to machine)",
    parse: v.nonEmpty("the service principal's application (client) id"),
  }),
  spec({
    key: 'databricksClientSecret',
    env: 'DATABRICKS_CLIENT_SECRET',
    secret: true,
    description: "Databricks engine: the service principal's OAuth secret",
    parse: v.nonEmpty('an OAuth secret generated for the service principal'),
  }),
  spec({
    key: 'databricksCatalog',
    env: 'DATABRICKS_CATALOG',
    configKey: 'databricks_catalog',
    description: 'Databricks engine: the Unity Catalog catalog holding bronze, silver and gold',
    defaultValue: () => 'wrapped',
    parse: v.sqlName,
  }),
  spec({
    key: 'spotifyMaxWaitSeconds',
    env: 'SPOTIFY_MAX_WAIT_SECONDS',
    configKey: 'spotify_max_wait_seconds',
    description: 'a 429 Retry-After up to this is waited out; longer ones block calls until then',
    defaultValue: () => '60',
    parse: v.wholeNumber(0, 3600),
  }),
  spec({
    key: 'now',
    env: 'WRAPPED_NOW',
    description: 'for tests and the demo: the time it is, as ISO 8601 (default: the real time)',
    parse: v.isoTime,
  }),
] as const satisfies readonly SettingSpec[];

export const SECRET_KEYS: readonly SettingKey[] = SETTINGS.filter(
  (s): boolean => 'secret' in s && s.secret === true,
).map((s) => s.key);
