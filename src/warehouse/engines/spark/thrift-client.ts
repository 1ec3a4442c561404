import hive from 'hive-driver';
import type { QueryResult, Row } from '../../engine.js';
import { EngineError } from '../errors.js';

/**
 * A SQL session over the HiveServer2 Thrift protocol, in HTTP transport: what Spark's Thrift
 * server speaks, and (with a token) a Databricks SQL warehouse. Statements run asynchronously
 * and are polled, so a long build never holds one HTTP request open.
 */
export interface ThriftTarget {
  host: string;
  port: number;
  /** The HTTP path of the service: `/cliservice` for Spark's Thrift server. */
  path: string;
  https?: boolean;
  /** Sent as HTTP basic auth (Databricks: user `token`, the token as password). */
  username?: string;
  password?: string;
  /** Sent as `Authorization: Bearer` instead (a Databricks OAuth access token). */
  bearerToken?: string;
}

/** hive-driver's auth providers set headers on the transport; this one sends a bearer token. */
class BearerAuthentication {
  constructor(private readonly token: string) {}
  authenticate(transport: { setOptions(key: string, value: unknown): void }) {
    transport.setOptions('headers', { Authorization: `Bearer ${this.token}` });
    return Promise.resolve(transport);
  }
}

// Thrift's operation states (TCLIService.thrift): 2 finished, 3 canceled, 4 closed, 5 error.
const FINISHED = 2;
const POLL_MS = 15;

export class ThriftSession {
  private constructor(
    private readonly client: InstanceType<typeof hive.HiveClient>,
    private readonly session: Awaited<
      ReturnType<InstanceType<typeof hive.HiveClient>['openSession']>
    >,
    private readonly utils: InstanceType<typeof hive.HiveUtils>,
    private readonly failures: ConnectionFailures,
  ) {}

  static async open(target: ThriftTarget): Promise<ThriftSession> {
    const { TCLIService, TCLIService_types } = hive.thrift;
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    const failures = new ConnectionFailures(client);
    try {
      await client.connect(
        {
          host: target.host,
          port: target.port,
          options: {
            path: target.path,
            https: target.https ?? false,
            // hive-driver turns certificate checks off for https; a token must only go to the
            // server the certificate names.
            nodeOptions: { rejectUnauthorized: true },
          },
        },
        new hive.connections.HttpConnection(),
        target.bearerToken !== undefined
          ? (new BearerAuthentication(target.bearerToken) as unknown as InstanceType<
              typeof hive.auth.PlainHttpAuthentication
            >)
          : new hive.auth.PlainHttpAuthentication({
              username: target.username ?? 'wrapped',
              password: target.password ?? 'wrapped',
            }),
      );
      const session = await failures.guard(
        client.openSession({
          client_protocol: TCLIService_types.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10,
        }),
      );
      return new ThriftSession(client, session, new hive.HiveUtils(TCLIService_types), failures);
    } catch (error) {
      closeQuietly(client);
      throw new EngineError(
        `Could not open a SQL session at ${target.https ? 'https' : 'http'}://${target.host}:${target.port}${target.path}: ${firstLine(error)}`,
        { retryable: true, cause: error },
      );
    }
  }

  /** Runs one statement; its rows as objects (BIGINT as numbers, dates and timestamps as text). */
  async execute(sql: string): Promise<QueryResult> {
    let operation: Awaited<ReturnType<typeof this.session.executeStatement>>;
    try {
      operation = await this.failures.guard(this.session.executeStatement(sql, { runAsync: true }));
    } catch (error) {
      throw new Error(sparkMessage(firstLine(error)));
    }
    try {
      for (;;) {
        const status = await this.failures.guard(operation.status(false));
        if (status.operationState === FINISHED) break;
        if ((status.operationState ?? 0) > FINISHED)
          throw new Error(sparkMessage(status.errorMessage ?? 'the statement was cancelled'));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await this.failures.guard(this.utils.fetchAll(operation));
      const schema = operation.getSchema();
      const columns = (schema?.columns ?? []).map((c) => ({
        name: String(c.columnName),
        type: typeName(c.typeDesc?.types?.[0]?.primitiveEntry?.type),
      }));
      const rows = (this.utils.getResult(operation).getValue() ?? []) as Row[];
      return { columns, rows };
    } finally {
      await operation.close().catch(() => {});
    }
  }

  async close(): Promise<void> {
    await this.session.close().catch(() => {});
    closeQuietly(this.client);
  }
}

/**
 * Thrift reports a failed HTTP exchange (a 401 when a token is refused or expires, a 404 for a
 * wrong path) on the connection, not to the call waiting for the answer, which would then wait
 * forever. Each call is raced against the connection's next error.
 */
class ConnectionFailures {
  private readonly waiting = new Set<(error: Error) => void>();

  constructor(client: { on(event: 'error', listener: (error: Error) => void): unknown }) {
    client.on('error', (error) => {
      for (const reject of this.waiting) reject(error);
    });
  }

  async guard<T>(call: Promise<T>): Promise<T> {
    let reject: (error: Error) => void = () => {};
    const failed = new Promise<never>((_, r) => {
      reject = r;
    });
    this.waiting.add(reject);
    try {
      return await Promise.race([call, failed]);
    } finally {
      this.waiting.delete(reject);
    }
  }
}

/** Thrift's type id as its name: 7 -> STRING (TTypeId, without its _TYPE ending). */
function typeName(id: number | undefined): string {
  const ids = hive.thrift.TCLIService_types.TTypeId as Record<string, number>;
  const name = Object.keys(ids).find((key) => ids[key] === id);
  return name ? name.replace(/_TYPE$/, '') : 'UNKNOWN';
}

/** Closing a connection that already broke must not hide the error that broke it. */
function closeQuietly(client: { close(): unknown }): void {
  try {
    client.close();
  } catch {}
}

/**
 * Spark's message as a user reads it: without the Java exception classes the Thrift server wraps
 * it in. "HiveSQLException: Error running query: [CODE] AnalysisException: [CODE] text" -> "[CODE] text".
 */
export function sparkMessage(error: unknown): string {
  return firstLine(error)
    .replace(/^[\w.$]+HiveSQLException: (Error running query: )?/, '')
    .replace(/^(\[[A-Z0-9_.]+\] )[\w.$]+(Exception|Error): \1/, '$1')
    .replace(/^[\w.$]+(Exception|Error): /, '');
}

/** An engine's message without its stack trace: the first line says what went wrong. */
function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return (
    text
      .split('\n')
      .find((l) => l.trim() !== '')
      ?.trim() ?? text
  );
}
