import { createHash } from 'node:crypto';
import { UsageError, WrappedError } from '../errors.js';
import type { Lake } from '../lake/lake.js';
import { layout } from '../lake/layout.js';
import { updateVersioned } from '../lake/versioned.js';

/**
 * The listeners of one lake: the people whose plays it holds (a household). Every raw load,
 * bronze, silver and gold row names its listener (`listener_id`). The registry lives in the
 * lake, `_state/listeners.json`, so every machine that runs the pipeline knows the same
 * listeners. A lake made before listeners existed has one, `me`: its loads name nobody, and a
 * load that names nobody is `me`'s, so such a lake needs no rewrite (`wrapped doctor --fix`
 * writes the registry down).
 */
export const DEFAULT_LISTENER = 'me';
/** Spotify lets an app in development mode serve five users: a household. */
export const MAX_LISTENERS = 5;
export const LISTENERS_PATH = layout.state('listeners.json');

export interface Listener {
  /** Short name chosen by the household: `me`, `anna`. In every row and on the command line. */
  id: string;
  /** The Spotify account's own name and id, once its login or profile is known. */
  display_name?: string;
  spotify_user_id?: string;
  /**
   * The sha-256 of the listener's dashboard token (`wrapped listener token NAME`): with tokens
   * set, each listener sees their own pages and the household's. The token itself is kept
   * nowhere; its digest cannot be turned back into it.
   */
  token_sha256?: string;
  added_at: string;
}

/** What the registry keeps of a dashboard token. */
export const tokenDigest = (token: string) => createHash('sha256').update(token).digest('hex');

interface RegistryFile {
  version: 1;
  listeners: Listener[];
}

export class ListenerError extends WrappedError {}

// Letters, digits and dashes: it names files, lake folders and Key Vault secrets (which allow
// nothing else), and goes into every row.
const ID = /^[a-z][a-z0-9-]{0,31}$/;

/** A listener name as typed, checked. */
export function listenerId(name: string): string {
  const id = name.trim();
  if (!ID.test(id))
    throw new UsageError(
      `"${name.slice(0, 40)}" is not a listener name: use 1-32 lower-case letters, digits or "-", starting with a letter (for example anna).`,
    );
  return id;
}

export interface ListenerList {
  listeners: Listener[];
  /** False when the lake has no registry yet (a lake made before listeners: just `me`). */
  stored: boolean;
}

export async function readListeners(lake: Lake): Promise<ListenerList> {
  const file = await lake.getVersioned(LISTENERS_PATH);
  if (file === undefined)
    return { listeners: [{ id: DEFAULT_LISTENER, added_at: '' }], stored: false };
  return { listeners: parseRegistry(file.body).listeners, stored: true };
}

function parseRegistry(body: Buffer | string): RegistryFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString());
  } catch (error) {
    throw new ListenerError(`${LISTENERS_PATH} is not valid JSON: ${(error as Error).message}`, {
      hint: 'Restore it from a backup, or remove it and run `wrapped doctor --fix` to write it again.',
    });
  }
  const file = parsed as Partial<RegistryFile>;
  if (
    file?.version !== 1 ||
    !Array.isArray(file.listeners) ||
    file.listeners.some((l) => typeof l?.id !== 'string' || !ID.test(l.id))
  )
    throw new ListenerError(`${LISTENERS_PATH} does not hold a list of listeners.`, {
      hint: 'Remove it and run `wrapped doctor --fix` to write it again.',
    });
  return file as RegistryFile;
}

const serialize = (listeners: Listener[]) =>
  `${JSON.stringify({ version: 1, listeners } satisfies RegistryFile, null, 2)}\n`;

/**
 * Adds a listener, or updates the Spotify names of one already there. A lake without a registry
 * starts with `me`. Refuses a sixth listener, and a Spotify account already added under another
 * name. Safe against another process changing the registry at the same time.
 */
export async function saveListener(
  lake: Lake,
  listener: Omit<Listener, 'added_at'>,
  now: Date = new Date(),
): Promise<{ added: boolean; listeners: Listener[] }> {
  const id = listenerId(listener.id);
  let added = false;
  let result: Listener[] = [];
  await updateVersioned(lake, LISTENERS_PATH, (current) => {
    const listeners =
      current === undefined
        ? [{ id: DEFAULT_LISTENER, added_at: now.toISOString() }]
        : parseRegistry(current).listeners;
    const same = listeners.find((l) => l.id === id);
    const account = listener.spotify_user_id;
    const taken =
      account === undefined
        ? undefined
        : listeners.find((l) => l.id !== id && l.spotify_user_id === account);
    if (taken)
      throw new UsageError(
        `That Spotify account is already listener "${taken.id}"; each listener is one account.`,
      );
    if (same) {
      added = false;
      Object.assign(same, definedOnly({ ...listener, id }));
    } else {
      refuseSixth(listeners, id);
      added = true;
      listeners.push({ ...definedOnly({ ...listener, id }), added_at: now.toISOString() });
    }
    result = listeners;
    return serialize(listeners);
  });
  return { added, listeners: result };
}

/** Refuses a listener who would be one more than Spotify's development-mode limit. */
export function refuseSixth(listeners: Listener[], id: string): void {
  if (!listeners.some((l) => l.id === id) && listeners.length >= MAX_LISTENERS)
    throw new UsageError(
      `This lake has ${MAX_LISTENERS} listeners already (${listeners.map((l) => l.id).join(', ')}), Spotify's limit for an app in development mode. Remove one first: wrapped listener remove NAME.`,
    );
}

/**
 * Takes a listener off the registry (their data stays until `wrapped loads remove`). Never
 * `me`: the lake's own listener, whom every command means when no listener is named.
 */
export async function removeListener(lake: Lake, name: string): Promise<Listener[]> {
  const id = listenerId(name);
  if (id === DEFAULT_LISTENER)
    throw new UsageError(
      `"${DEFAULT_LISTENER}" is this lake's own listener, whom every command means when none is named; it stays. Remove the others by name.`,
    );
  let result: Listener[] = [];
  await updateVersioned(lake, LISTENERS_PATH, (current) => {
    const listeners =
      current === undefined
        ? [{ id: DEFAULT_LISTENER, added_at: '' }]
        : parseRegistry(current).listeners;
    if (!listeners.some((l) => l.id === id))
      throw new UsageError(
        `No listener "${id}" on this lake (listeners: ${listeners.map((l) => l.id).join(', ')}).`,
      );
    result = listeners.filter((l) => l.id !== id);
    return serialize(result);
  });
  return result;
}

/** The listener a command means: the one named, which must be on the registry; else `me`. */
export async function resolveListener(lake: Lake, name: string | undefined): Promise<string> {
  if (name === undefined) return DEFAULT_LISTENER;
  const id = listenerId(name);
  const { listeners } = await readListeners(lake);
  if (!listeners.some((l) => l.id === id))
    throw new UsageError(
      `No listener "${id}" on this lake (listeners: ${listeners.map((l) => l.id).join(', ')}). Add one with: wrapped listener add ${id}`,
    );
  return id;
}

function definedOnly<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
