// Reading /openapi.json generically, so tests that walk every operation also cover routes added
// later without being edited.
import type { TestClient } from "./client";

export type Json = Record<string, any>;

export interface Parameter {
  name: string;
  in: "path" | "query" | "header" | "cookie";
  required?: boolean;
  schema: Json;
}

export interface Operation {
  /** "METHOD /path/{param}", the key of src/auth/access.ts. */
  key: string;
  method: string;
  path: string;
  spec: Json;
  parameters: Parameter[];
  /** The JSON request body's schema ($refs resolved at the top), if the operation takes one. */
  body: Json | undefined;
}

const METHODS = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

export async function fetchDocument(client: TestClient): Promise<Json> {
  const res = await client.get("/openapi.json");
  if (res.status !== 200) throw new Error(`/openapi.json answered ${res.status}`);
  return res.body;
}

/** Follows a local "#/components/…" $ref (repeatedly); other schemas are returned as they are. */
export function resolve(document: Json, schema: Json): Json {
  let current = schema;
  for (let depth = 0; current?.$ref && depth < 10; depth++) {
    const pointer = String(current.$ref).replace(/^#\//, "").split("/");
    current = pointer.reduce((node: Json, part) => node?.[part], document);
    if (!current) throw new Error(`unresolvable $ref ${schema.$ref}`);
  }
  return current;
}

export function operationsOf(document: Json): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries<Json>(document.paths ?? {})) {
    for (const method of METHODS) {
      const spec = item[method];
      if (!spec) continue;
      const parameters = [...(item.parameters ?? []), ...(spec.parameters ?? [])].map((p: Json) => resolve(document, p)) as Parameter[];
      const bodySchema = spec.requestBody ? resolve(document, spec.requestBody).content?.["application/json"]?.schema : undefined;
      operations.push({
        key: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        spec,
        parameters,
        body: bodySchema ? resolve(document, bodySchema) : undefined,
      });
    }
  }
  return operations;
}

/** Whether the operation's x-access rule grants "kind:role" (directly or by "kind:*"). */
export function isGranted(operation: Operation, grant: string): boolean {
  const grants: string[] = operation.spec["x-access"]?.grants ?? [];
  return grants.includes(grant) || grants.includes(`${grant.split(":")[0]}:*`);
}

/** A syntactically valid id that names no row (ids are "<prefix>_<base32>"). */
export const SAMPLE_ID = "org_aaaaaaaaaaaaaaaa";

/** A value a parameter's schema accepts, for building concrete paths. */
export function sampleValue(schema: Json): string {
  if (Array.isArray(schema.enum) && schema.enum.length) return String(schema.enum[0]);
  if (schema.type === "integer" || schema.type === "number") return String(schema.minimum ?? 1);
  if (schema.format === "date") return "2026-01-01";
  if (schema.format === "date-time") return "2026-01-01T09:00:00+08:00";
  const candidates = [SAMPLE_ID, "aaaaaaaa", "110108", "2026-01-01"];
  const pattern = schema.pattern ? new RegExp(schema.pattern) : undefined;
  return candidates.find((c) => !pattern || pattern.test(c)) ?? SAMPLE_ID;
}

/** The operation's path with every {param} filled (from `values`, or a sample the schema accepts). */
export function concretePath(operation: Operation, values: Record<string, string> = {}): string {
  return operation.path.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const parameter = operation.parameters.find((p) => p.in === "path" && p.name === name);
    return encodeURIComponent(values[name] ?? sampleValue(parameter?.schema ?? {}));
  });
}

/** The JSON types a schema allows; empty when it allows anything. */
export function typesOf(document: Json, raw: Json): Set<string> {
  const schema = resolve(document, raw);
  const branches = schema.anyOf ?? schema.oneOf;
  if (branches) {
    const union = new Set<string>();
    for (const branch of branches) {
      const types = typesOf(document, branch);
      if (types.size === 0) return types;
      for (const t of types) union.add(t);
    }
    return union;
  }
  const declared: string[] = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  if (declared.length === 0 && schema.properties) declared.push("object");
  if (declared.length === 0 && Array.isArray(schema.enum)) declared.push(...schema.enum.map(jsonType));
  return new Set(declared);
}

/** Whether a value's JSON type is among `types` (an empty set allows anything). */
export function allows(types: Set<string>, value: unknown): boolean {
  if (types.size === 0) return true;
  const type = jsonType(value);
  return types.has(type) || (type === "integer" && types.has("number"));
}

export function jsonType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}
