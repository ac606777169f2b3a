import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

interface Param {
  in: string;
  name: string;
  required?: boolean;
  schema?: { type?: string; enum?: unknown[]; format?: string };
}

interface Operation {
  template: RegExp;
  names: string[];
  params: Param[];
  body: ValidateFunction | null;
  bodyRequired: boolean;
  response: ValidateFunction | null;
}

export interface ValidationProblem {
  status: number;
  message: string;
}

/**
 * The `{path}` of the `…/fs/{path}` operations: it spans slashes, and the document marks it
 * required although an empty one is the root directory (`GET fs/`, `GET fs/?metadata=1`).
 */
const FS_PATH = 'path';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Drops null members (recursively): the SingleStoreDB Python SDK (singlestoredb 1.18.1) sends nulls for unset fields
 * and the service treats them as absent.
 */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null) out[k] = withoutNulls(x);
    return out;
  }
  return v;
}

function loadDocument(): Record<string, any> {
  // __dirname in the CJS build, import.meta.url in ESM and in the sources.
  const here = typeof __dirname === 'string' ? __dirname : dirname(fileURLToPath(import.meta.url));
  // src/management/ → ../../openapi; dist/ → ../openapi
  const candidates = [join(here, '../../openapi/management-openapi-v1.json'), join(here, '../openapi/management-openapi-v1.json')];
  for (const c of candidates) {
    try {
      return JSON.parse(readFileSync(c, 'utf8'));
    } catch {
      // try the next layout (source tree vs dist)
    }
  }
  throw new Error('management-openapi-v1.json not found next to @s2/fakes');
}

/** Checks v1 requests against the public OpenAPI document (path ids, query parameters, JSON bodies). */
export class OpenApiValidator {
  private readonly ops = new Map<string, Operation[]>();

  constructor() {
    const doc = loadDocument();
    const ajv = new Ajv({ strict: false, allErrors: true });
    const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (a: Ajv) => void;
    addFormats(ajv);
    ajv.addSchema({ components: doc.components }, 'openapi');
    const resolveParam = (p: any): Param => (p.$ref ? doc.components.parameters[p.$ref.split('/').pop()] : p);
    for (const [path, item] of Object.entries<Record<string, any>>(doc.paths)) {
      const names: string[] = [];
      const source = path
        .split('/')
        .map((seg) => {
          const m = /^\{(.+)\}$/.exec(seg);
          if (!m) return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
          names.push(m[1]!);
          return m[1] === FS_PATH ? '(.*)' : '([^/]+)';
        })
        .join('/');
      const template = new RegExp(`^${source}$`);
      for (const [method, op] of Object.entries<any>(item)) {
        const schema = op.requestBody?.content?.['application/json']?.schema;
        const body = schema ? ajv.compile({ $ref: `openapi${schema.$ref}` }) : null;
        const answer = op.responses?.['200']?.content?.['application/json']?.schema;
        const response = answer ? ajv.compile({ $ref: `openapi${answer.$ref}` }) : null;
        const list = this.ops.get(method.toUpperCase()) ?? [];
        list.push({ template, names, params: (op.parameters ?? []).map(resolveParam), body, bodyRequired: !!op.requestBody?.required && !!schema, response });
        this.ops.set(method.toUpperCase(), list);
      }
    }
  }

  /**
   * The ways a 200 answer breaks the document's response schema (`/path message` strings);
   * null when the operation has no JSON response schema.
   */
  checkResponse(method: string, path: string, body: unknown): string[] | null {
    const op = (this.ops.get(method) ?? []).find((o) => o.template.test(path));
    if (!op?.response) return null;
    return op.response(body) ? [] : (op.response.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
  }

  /** A problem (400) when the request breaks the document; null when it conforms or is not described. */
  check(method: string, path: string, query: Record<string, string>, body: unknown): ValidationProblem | null {
    const op = (this.ops.get(method) ?? []).find((o) => o.template.test(path));
    if (!op) return null;
    const values = op.template.exec(path)!.slice(1);
    for (const p of op.params) {
      const raw = p.in === 'path' ? values[op.names.indexOf(p.name)] : p.in === 'query' ? query[p.name] : undefined;
      if (p.in !== 'path' && p.in !== 'query') continue;
      if (raw == null || raw === '') {
        if (p.required && !(p.in === 'path' && p.name === FS_PATH)) return { status: 400, message: `missing required ${p.in} parameter ${p.name}` };
        continue;
      }
      const text = p.in === 'path' ? decodeURIComponent(raw) : raw;
      if (p.schema?.format === 'uuid' && !UUID.test(text)) return { status: 400, message: `invalid UUID: "${text}" (${p.name})` };
      if (p.schema?.type === 'boolean' && !/^(true|false|1|0)$/i.test(text)) return { status: 400, message: `${p.name} must be a boolean, got '${text}'` };
      // Enums compare case-insensitively: the Python SDK sends `computeCredit` for `ComputeCredit`.
      if (p.schema?.enum && !p.schema.enum.some((e) => String(e).toLowerCase() === text.toLowerCase())) {
        return { status: 400, message: `${p.name} must be one of ${p.schema.enum.join(', ')}, got '${text}'` };
      }
    }
    if (op.body) {
      const b = withoutNulls(body);
      if (b === undefined || b === null) {
        if (op.bodyRequired) return { status: 400, message: 'a JSON request body is required' };
      } else if (!op.body(b)) {
        const errs = (op.body.errors ?? []).map((e) => `${e.instancePath || 'body'} ${e.message}`).join('; ');
        return { status: 400, message: `invalid request body: ${errs}` };
      }
    }
    return null;
  }
}
