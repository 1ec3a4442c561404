import { badRequest } from './http-error.js';

/**
 * The dashboard's periods, in local days (YYYY-MM-DD, the user's time zone), each with the
 * period of the same length just before it, for the "change against the previous period".
 */
export type PeriodKind = 'week' | '4w' | '6m' | 'year' | 'all' | 'custom';

export interface Period {
  kind: PeriodKind;
  from: string;
  to: string;
  previous: { from: string; to: string } | null;
  /** The same days a year earlier (29 February becomes the 28th), for "against last year". */
  year_before: { from: string; to: string } | null;
}

/** The same calendar day a year earlier; 29 February becomes the 28th. */
export function yearEarlier(day: string): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  const lastOfMonth = new Date(Date.UTC(y - 1, m, 0)).getUTCDate();
  return new Date(Date.UTC(y - 1, m - 1, Math.min(d, lastOfMonth))).toISOString().slice(0, 10);
}

const withYearBefore = (p: Omit<Period, 'year_before'>): Period => ({
  ...p,
  year_before: p.kind === 'all' ? null : { from: yearEarlier(p.from), to: yearEarlier(p.to) },
});

const DAY = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
const shift = (day: string, days: number) =>
  new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY).toISOString().slice(0, 10);
const length = (from: string, to: string) =>
  Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY) + 1;

/** A real calendar day (not 2023-02-30) in years any table can hold. */
function validDate(name: string, value: string | null): string {
  const real =
    value !== null &&
    DATE.test(value) &&
    Number(value.slice(0, 4)) >= 1900 &&
    Number(value.slice(0, 4)) <= 2200 &&
    !Number.isNaN(Date.parse(`${value}T00:00:00Z`)) &&
    new Date(`${value}T00:00:00Z`).toISOString().slice(0, 10) === value;
  if (!real) throw badRequest(`${name} must be a real date such as 2026-03-01`);
  return value as string;
}

/** `from` and `to` of a period the user picked: real days, in order, at most 30 years apart. */
export function customDays(params: URLSearchParams): { from: string; to: string } {
  const from = validDate('from', params.get('from'));
  const to = validDate('to', params.get('to'));
  if (from > to) throw badRequest('from is after to');
  if (length(from, to) > 366 * 30) throw badRequest('the period is longer than 30 years');
  return { from, to };
}

export function resolvePeriod(
  params: URLSearchParams,
  today: string,
  firstDay: string | null,
): Period {
  const kind = (params.get('period') ?? '4w') as PeriodKind;
  let from: string;
  let to = today;
  switch (kind) {
    case 'week': {
      const weekday = (new Date(`${today}T00:00:00Z`).getUTCDay() + 6) % 7;
      from = shift(today, -weekday);
      return withYearBefore({
        kind,
        from,
        to,
        previous: { from: shift(from, -7), to: shift(to, -7) },
      });
    }
    case '4w':
      from = shift(today, -27);
      break;
    case '6m':
      from = shift(today, -181);
      break;
    case 'year':
      from = shift(today, -364);
      break;
    case 'all':
      return withYearBefore({ kind, from: firstDay ?? today, to, previous: null });
    case 'custom':
      ({ from, to } = customDays(params));
      break;
    default:
      throw badRequest('period must be one of week, 4w, 6m, year, all, custom');
  }
  const days = length(from, to);
  return withYearBefore({
    kind,
    from,
    to,
    previous: { from: shift(from, -days), to: shift(from, -1) },
  });
}

/** The days of a run (first and last day, both included) that fall inside the period. */
export function daysInside(
  start: string,
  end: string,
  period: { from: string; to: string },
): number {
  const from = start > period.from ? start : period.from;
  const to = end < period.to ? end : period.to;
  return to < from ? 0 : Math.round((Date.parse(to) - Date.parse(from)) / DAY) + 1;
}
