import { ModelError, WrappedError } from '../../errors.js';
import type { Dialect } from './dialect.js';
import { MACROS, type MacroName, type RenderContext } from './macros.js';

/** `{{ ... }}` holding no other `{{`: the innermost macros are rendered first. */
const INNERMOST = /\{\{((?:(?!\{\{)[^}]|\}(?!\}))*)\}\}/;
const CALL = /^([a-z_][a-z0-9_]*)\s*(?:\(([\s\S]*)\))?$/;

/**
 * Renders a model's SQL for a dialect: every `{{ macro(...) }}` (macros.ts), innermost first,
 * then the dialect's last pass. `where` names the file in errors.
 */
export function renderSql(
  sql: string,
  dialect: Dialect,
  context: RenderContext,
  where: string,
): string {
  let text = sql;
  for (;;) {
    const match = INNERMOST.exec(text);
    if (!match) break;
    const rendered = renderMacro((match[1] ?? '').trim(), dialect, context, where);
    text = text.slice(0, match.index) + rendered + text.slice(match.index + match[0].length);
  }
  if (text.includes('{{') || text.includes('}}'))
    throw new ModelError(`${where}: unbalanced {{ }} in the SQL.`);
  return dialect.finish(text);
}

function renderMacro(
  expression: string,
  dialect: Dialect,
  context: RenderContext,
  where: string,
): string {
  const call = CALL.exec(expression);
  const name = call?.[1] as MacroName | undefined;
  if (!call || name === undefined || !Object.hasOwn(MACROS, name)) {
    throw new ModelError(
      `${where}: unknown template {{ ${expression} }}; known: ${Object.values(MACROS)
        .map((m) => m.signature)
        .join(', ')}.`,
    );
  }
  const spec = MACROS[name];
  const args = call[2] === undefined ? [] : splitArguments(call[2]);
  if (args.length !== spec.arity)
    throw new ModelError(
      `${where}: {{ ${expression} }} takes ${spec.arity} argument${spec.arity === 1 ? '' : 's'}: {{ ${spec.signature} }}.`,
    );
  try {
    return dialect.macros[name](args, context);
  } catch (error) {
    if (error instanceof WrappedError) throw error;
    throw new ModelError(`${where}: {{ ${expression} }}: ${(error as Error).message}`);
  }
}

/** Splits macro arguments on commas outside parentheses, brackets and quotes. */
export function splitArguments(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote: string | undefined;
  let current = '';
  for (const char of text) {
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'" || char === '"') quote = char;
    else if (char === '(' || char === '[') depth++;
    else if (char === ')' || char === ']') depth--;
    if (char === ',' && depth === 0 && !quote) {
      parts.push(current.trim());
      current = '';
    } else current += char;
  }
  if (current.trim() !== '' || parts.length > 0) parts.push(current.trim());
  return parts;
}
