import type { Settings } from '../../../config/settings.js';
import type { LakeLocation } from '../../../config/validators.js';
import { ConfigError, WrappedError } from '../../../errors.js';
import type { ThriftTarget } from '../spark/thrift-client.js';

/**
 * How wrapped reaches a Databricks SQL warehouse: its host and HTTP path, signed in with a
 * personal access token or as a service principal (OAuth machine to machine), in a Unity
 * Catalog catalog. The warehouse speaks the same Thrift protocol as Spark's Thrift server.
 */
export interface DatabricksSettings {
  host: string;
  httpPath: string;
  catalog: string;
  token?: string;
  clientId?: string;
  clientSecret?: string;
}

type DatabricksSettingKeys =
  | 'databricksHost'
  | 'databricksHttpPath'
  | 'databricksToken'
  | 'databricksClientId'
  | 'databricksClientSecret'
  | 'databricksCatalog';

/** The settings, or a ConfigError naming every variable still missing. */
export function databricksSettings(
  settings: Pick<Settings, DatabricksSettingKeys>,
): DatabricksSettings {
  const missing: string[] = [];
  if (!settings.databricksHost) missing.push('DATABRICKS_HOST');
  if (!settings.databricksHttpPath) missing.push('DATABRICKS_HTTP_PATH');
  const m2m =
    settings.databricksClientId !== undefined && settings.databricksClientSecret !== undefined;
  if (!settings.databricksToken && !m2m)
    missing.push('DATABRICKS_TOKEN (or DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET)');
  if (missing.length > 0)
    throw new ConfigError(`The databricks engine needs ${missing.join(', ')}.`, {
      hint: 'Set them to your SQL warehouse (README, "Engines"), or build with --engine duckdb or spark.',
    });
  return {
    host: settings.databricksHost as string,
    httpPath: settings.databricksHttpPath as string,
    catalog: settings.databricksCatalog,
    ...(settings.databricksToken
      ? { token: settings.databricksToken }
      : { clientId: settings.databricksClientId, clientSecret: settings.databricksClientSecret }),
  };
}

/**
 * Where a Databricks warehouse finds the lake: the ADLS container as `abfss://` (a Unity Catalog
 * external location), or an S3 bucket. A folder on this machine is out of its reach.
 */
export function databricksLakeUrl(lake: LakeLocation, azureAccount: string | undefined): string {
  const prefix = (p: string) => (p ? `/${p}` : '');
  if (lake.kind === 'azure') {
    const account = lake.account ?? azureAccount;
    if (!account)
      throw new ConfigError('The databricks engine needs the storage account of the lake.', {
        hint: 'Give the lake as abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/PATH, or set AZURE_STORAGE_ACCOUNT.',
      });
    return `abfss://${lake.container}@${account}.dfs.core.windows.net${prefix(lake.prefix)}`;
  }
  if (lake.kind === 's3') return `s3://${lake.bucket}${prefix(lake.prefix)}`;
  throw new ConfigError(`Databricks cannot read a lake on this machine (${lake.root}).`, {
    hint: 'Put the lake in ADLS (WRAPPED_LAKE=abfss://CONTAINER@ACCOUNT.dfs.core.windows.net/wrapped) and make it a Unity Catalog external location (README, "Engines"); or build here with --engine duckdb or spark.',
  });
}

/** The Thrift target of the warehouse, signed in (an OAuth token is fetched first for M2M). */
export async function databricksTarget(
  settings: DatabricksSettings,
  fetchFn: typeof fetch = fetch,
): Promise<ThriftTarget> {
  const url = new URL(settings.host);
  const https = url.protocol === 'https:';
  const base = {
    host: url.hostname,
    port: Number(url.port || (https ? 443 : 80)),
    path: settings.httpPath,
    https,
  };
  // A personal access token goes as basic auth with the user `token`, as Databricks' own
  // drivers send it; an OAuth access token as a bearer token.
  if (settings.token) return { ...base, username: 'token', password: settings.token };
  return { ...base, bearerToken: await oauthToken(settings, fetchFn) };
}

/** OAuth client credentials at the workspace's token endpoint, scope `all-apis`. */
export async function oauthToken(
  settings: DatabricksSettings,
  fetchFn: typeof fetch = fetch,
): Promise<string> {
  const endpoint = `${settings.host}/oidc/v1/token`;
  const basic = Buffer.from(`${settings.clientId}:${settings.clientSecret}`).toString('base64');
  let response: Response;
  try {
    response = await fetchFn(endpoint, {
      method: 'POST',
      headers: {
        authorization: `Basic ${basic}`,
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: 'grant_type=client_credentials&scope=all-apis',
      redirect: 'error',
      signal: AbortSignal.timeout(30_000),
    });
  } catch (error) {
    throw new WrappedError(
      `Could not reach Databricks at ${endpoint}: ${(error as Error).message}`,
      {
        retryable: true,
        hint: 'Check DATABRICKS_HOST and the network.',
      },
    );
  }
  const body = (await response.json().catch(() => ({}))) as { access_token?: unknown };
  if (!response.ok || typeof body.access_token !== 'string')
    throw new ConfigError(
      `Databricks refused the client id and secret (HTTP ${response.status} at ${endpoint}).`,
      {
        hint: "Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET: the service principal's id and an OAuth secret of the same workspace.",
      },
    );
  return body.access_token;
}
