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
  ) {}

  static async open(target: ThriftTarget): Promise<ThriftSession> {
    const { TCLIService, TCLIService_types } = hive.thrift;
    const client = new hive.HiveClient(TCLIService, TCLIService_types);
    client.on('error', () => {}); // a dropped connection fails the statement in flight instead
    try {
      await client.connect(
        {
          host: target.host,
          port: target.port,
          options: { path: target.path, https: target.https ?? false },
        },
        new hive.connections.HttpConnection(),
        new hive.auth.PlainHttpAuthentication({
          username: target.username ?? 'wrapped',
          password: target.password ?? 'wrapped',
        }),
      );
      const session = await client.openSession({
        client_protocol: TCLIService_types.TProtocolVersion.HIVE_CLI_SERVICE_PROTOCOL_V10,
      });
      return new ThriftSession(client, session, new hive.HiveUtils(TCLIService_types));
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
      operation = await this.session.executeStatement(sql, { runAsync: true });
    } catch (error) {
      throw new Error(sparkMessage(firstLine(error)));
    }
    try {
      for (;;) {
        const status = await operation.status(false);
        if (status.operationState === FINISHED) break;
        if ((status.operationState ?? 0) > FINISHED)
          throw new Error(sparkMessage(status.errorMessage ?? 'the statement was cancelled'));
        await new Promise((resolve) => setTimeout(resolve, POLL_MS));
      }
      await this.utils.fetchAll(operation);
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
