/** Epoch milliseconds (DuckDB's epoch_ms) as an ISO instant for JSON; the page shows it in words. */
export function instant(ms: unknown): string | null {
  return ms === null || ms === undefined ? null : new Date(Number(ms)).toISOString();
}
