import { GatewayHttpError } from './errors.js';
import { JsonNumber, parseJsonKeepingNumbers, type JsonValue } from './json-text.js';

/** A request body after strict checking: `sql`, optional `args` and `database`, nothing else. */
export interface DataApiRequest {
  sql: string;
  args: JsonValue[] | null;
  database: string | null;
}

const KNOWN = new Set(['sql', 'args', 'database']);

const bad = (message: string) => new GatewayHttpError(400, message);

/** Parses and checks a request body. Numbers keep their text so no digit is lost. */
export function parseRequestBody(text: string): DataApiRequest {
  let body: JsonValue;
  try {
    body = parseJsonKeepingNumbers(text);
  } catch (err) {
    throw bad(`request body is not valid JSON: ${(err as Error).message}`);
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body) || body instanceof JsonNumber) {
    throw bad('request body must be a JSON object with a "sql" string');
  }
  const fields = body as Record<string, JsonValue>;
  const unknown = Object.keys(fields).filter((k) => !KNOWN.has(k));
  if (unknown.length) throw bad(`unknown member(s) in request body: ${unknown.join(', ')}`);
  if (typeof fields.sql !== 'string') throw bad('"sql" must be a string');
  if (fields.args !== undefined && fields.args !== null && !Array.isArray(fields.args)) throw bad('"args" must be an array');
  if (fields.database !== undefined && fields.database !== null && typeof fields.database !== 'string') throw bad('"database" must be a string');
  return {
    sql: fields.sql,
    args: (fields.args as JsonValue[] | undefined) ?? null,
    database: (fields.database as string | undefined) || null,
  };
}
