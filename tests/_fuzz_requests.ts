/**
 * The fuzz target for request parsing: generated requests (methods, paths, query options,
 * media types, Accept, lying lengths, and bodies that are mutated files or arbitrary JSON) sent
 * to the app in-process. Every answer is below 500; every refusal is JSON `{error, detail}`;
 * every success is JSON without a null, or a readable .npy.
 *
 * @module
 */

import fc from "fast-check";
import { createApp } from "../deploy/app.ts";
import { DEFAULT_LIMITS, type Limits } from "../deploy/limits.ts";
import { readNpy, writeNpy } from "../src/io/mod.ts";
import { mutate, type Mutation, mutations } from "./_fuzz_mutations.ts";
import type { FuzzTarget } from "./_fuzz_readers.ts";

/** Small caps keep each case to milliseconds; the checks are the same at any size. */
const LIMITS: Limits = {
  ...DEFAULT_LIMITS,
  maxBodyBytes: 1 << 16,
  maxSamples: 1 << 12,
  maxWork: 1 << 20,
  maxSortedValues: 1 << 16,
  maxCovarianceWork: 1 << 20,
  maxDirectionValues: 1 << 14,
  maxOrthogonalWork: 1 << 18,
  bodyTimeoutMs: 5_000,
  plotMaxValues: 1 << 10,
};

let lastLog = "";
const app = createApp({
  limits: LIMITS,
  corsOrigins: [],
  log: (line) => lastLog = line,
  basePath: "",
});

/** One generated request. */
export interface FuzzRequest {
  method: string;
  path: string;
  query: [string, string][];
  headers: Record<string, string>;
  body?: Uint8Array;
}

const OPTION_NAMES = [
  "projections",
  "seed",
  "layout",
  "sampler",
  "backend",
  "exact",
  "reduction",
  "perProjection",
  "plots",
  "shape",
  "theta",
];

const QUERY_VALUES = [
  "1",
  "8",
  "0",
  "-1",
  "1e3",
  "Infinity",
  "NaN",
  "",
  "true",
  "false",
  "flat",
  "nchw",
  "nhwc",
  "gaussian",
  "orthogonal",
  "js",
  "wasm",
  "auto",
  "mean",
  "sum",
  "2,2",
  "4,1",
  "1,1,1,4",
  "1,2,2,1",
  "0,4",
  "99999999999999999,1",
  "2,2,",
  "9007199254740993",
];

/** Any value a JSON option might hold: the right types, wrong ones and odd numbers. */
const jsonOption = fc.oneof(
  fc.constantFrom<unknown>(1, 8, 0, -1, 1.5, 1e300, "Infinity", "flat", "nchw", true, null),
  fc.constantFrom<unknown>([[1, 0]], [[0, 0]], [[1e30, 1]], [[1, 2], [3]], [], "orthogonal"),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Activation values: ordinary ones, with zeros, extremes and every float32 mixed in. */
const value = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: -4, max: 4, noNaN: true }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -0, 1e-40, 1e20, -1e30, 3e38, 1e39, 5e-324) },
  { weight: 1, arbitrary: fc.float({ noNaN: true, noDefaultInfinity: true }) },
);

/** A valid tensor: rows × columns, or rank 4 for the image layouts. */
const tensor = fc.record({
  shape: fc.oneof(
    fc.tuple(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 1, max: 6 })),
    fc.tuple(fc.integer({ min: 1, max: 6 })),
    fc.tuple(
      fc.integer({ min: 1, max: 2 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
    ),
  ),
}).chain(({ shape }) => {
  const count = shape.reduce((a, b) => a * b, 1);
  return fc.record({
    shape: fc.constant([...shape] as number[]),
    data: fc.array(value, { minLength: count, maxLength: count }),
  });
});

/** Options that suit the endpoint and the tensor's rank, a random few of them. */
function validOptions(endpoint: string, rank: number): fc.Arbitrary<Record<string, unknown>> {
  const only: Record<string, fc.Arbitrary<unknown>> = endpoint === "score"
    ? {
      perProjection: fc.boolean(),
      // Plots cost 50–250 ms even for a few values; one request in ten is enough.
      plots: fc.constantFrom(false, false, false, false, true),
    }
    : { reduction: fc.constantFrom("mean", "sum"), exact: fc.constant(false) };
  return fc.record({
    projections: fc.integer({ min: 1, max: 64 }),
    seed: fc.nat({ max: 2 ** 31 }),
    layout: rank === 4 ? fc.constantFrom("nchw", "nhwc") : fc.constant("flat"),
    sampler: fc.constantFrom("gaussian", "orthogonal"),
    backend: fc.constantFrom("auto", "wasm", "js"),
    ...only,
  }, { requiredKeys: rank === 4 ? ["layout"] : [] });
}

/** How a request's body and options are sent: JSON, .npy, or raw float32 with the shape. */
const encoding = fc.constantFrom("json", "npy", "octet-npy", "raw", "nested-json");

/** The edits made to a valid request before it is sent, none in about a third of cases. */
type Edit =
  | { kind: "query"; key: string; value: string }
  | { kind: "field"; key: string; value: unknown }
  | { kind: "body"; mutations: Mutation[] }
  | { kind: "header"; name: string; value: string }
  | { kind: "method"; method: string }
  | { kind: "path"; path: string }
  | { kind: "replace-body"; bytes: Uint8Array };

const edit: fc.Arbitrary<Edit> = fc.oneof(
  fc.record({
    kind: fc.constant("query" as const),
    key: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...OPTION_NAMES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    value: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...QUERY_VALUES) },
      { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
    ),
  }),
  fc.record({
    kind: fc.constant("field" as const),
    key: fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...OPTION_NAMES, "data") },
      { weight: 1, arbitrary: fc.string({ maxLength: 8 }) },
    ),
    value: jsonOption,
  }),
  fc.record({ kind: fc.constant("body" as const), mutations: mutations(3) }),
  fc.oneof(
    fc.record({
      kind: fc.constant("header" as const),
      name: fc.constant("content-type"),
      value: fc.constantFrom(
        "application/json",
        "application/x-npy",
        "application/octet-stream",
        "Application/JSON; charset=utf-8",
        "text/plain",
        "multipart/form-data; boundary=x",
        "",
      ),
    }),
    fc.record({
      kind: fc.constant("header" as const),
      name: fc.constant("accept"),
      value: fc.constantFrom(
        "application/x-npy",
        "*/*",
        "text/html",
        "application/*;q=0",
        "application/x-npy;q=0.5, application/json;q=0.9",
        "application/octet-stream;q=1.0001",
        ",;;q=,",
      ),
    }),
    fc.record({
      kind: fc.constant("header" as const),
      name: fc.constant("content-length"),
      value: fc.constantFrom("0", "1", "12abc", "-5", "1e3", "99999999999999999999", "3, 3"),
    }),
  ),
  fc.record({
    kind: fc.constant("method" as const),
    method: fc.constantFrom("GET", "PUT", "DELETE", "OPTIONS", "HEAD", "PATCH"),
  }),
  fc.record({
    kind: fc.constant("path" as const),
    path: fc.constantFrom("/v1/health", "/", "/v1/score/", "/v1//grad", "/v2/x", "/%2e"),
  }),
  fc.record({
    kind: fc.constant("replace-body" as const),
    bytes: fc.oneof(
      fc.uint8Array({ maxLength: 128 }),
      fc.jsonValue({ maxDepth: 4 }).map((v) => new TextEncoder().encode(JSON.stringify(v))),
    ),
  }),
);

const requests: fc.Arbitrary<FuzzRequest> = fc.record({
  endpoint: fc.constantFrom("score", "grad"),
  tensor,
}).chain(({ endpoint, tensor }) =>
  fc.record({
    endpoint: fc.constant(endpoint),
    tensor: fc.constant(tensor),
    options: validOptions(endpoint, tensor.shape.length),
    encoding,
    edits: fc.oneof(
      { weight: 1, arbitrary: fc.constant<Edit[]>([]) },
      { weight: 2, arbitrary: fc.array(edit, { minLength: 1, maxLength: 3 }) },
    ),
  })
).map(build);

/** Writes a generated request out, then applies its edits. */
function build(
  g: {
    endpoint: string;
    tensor: { shape: number[]; data: number[] };
    options: Record<string, unknown>;
    encoding: string;
    edits: readonly Edit[];
  },
): FuzzRequest {
  const { shape, data } = g.tensor;
  const query: [string, string][] = [];
  const fields: Record<string, unknown> = {};
  const json = g.encoding === "json" || g.encoding === "nested-json";
  // Options go in the body of a JSON request half the time, otherwise in the query.
  for (const [key, v] of Object.entries(g.options)) {
    if (json && key.length % 2 === 0) fields[key] = v;
    else query.push([key, String(v)]);
  }
  let body: Uint8Array;
  let type: string;
  if (json) {
    type = "application/json";
    const rows = g.encoding === "nested-json" && shape.length === 2
      ? Array.from({ length: shape[0] }, (_, i) => data.slice(i * shape[1], (i + 1) * shape[1]))
      : undefined;
    body = encode({ ...(rows ? { data: rows } : { shape, data }), ...fields });
  } else if (g.encoding === "raw") {
    type = "application/octet-stream";
    query.push(["shape", shape.join(",")]);
    body = new Uint8Array(new Float32Array(data).buffer);
  } else {
    type = g.encoding === "npy" ? "application/x-npy" : "application/octet-stream";
    body = writeNpy(new Float32Array(data), shape);
  }
  const request: FuzzRequest = {
    method: "POST",
    path: `/v1/${g.endpoint}`,
    query,
    headers: { "content-type": type },
    body,
  };
  for (const e of g.edits) {
    switch (e.kind) {
      case "query":
        request.query.push([e.key, e.value]);
        break;
      case "field": {
        // Only while the body is still a JSON object (an earlier edit may have broken it).
        const root = json ? parseObject(request.body!) : undefined;
        if (root) request.body = encode({ ...root, [e.key]: e.value });
        break;
      }
      case "body":
        request.body = mutate(request.body ?? new Uint8Array(0), e.mutations);
        break;
      case "header":
        request.headers[e.name] = e.value;
        break;
      case "method":
        request.method = e.method;
        break;
      case "path":
        request.path = e.path;
        break;
      case "replace-body":
        request.body = e.bytes;
        break;
    }
  }
  return request;
}

function parseObject(bytes: Uint8Array): Record<string, unknown> | undefined {
  try {
    const root = JSON.parse(new TextDecoder().decode(bytes));
    return typeof root === "object" && root !== null && !Array.isArray(root) ? root : undefined;
  } catch {
    return undefined;
  }
}

function encode(value: unknown): Uint8Array {
  return new TextEncoder().encode(JSON.stringify(value));
}

/** Why a value read back from a response is not acceptable, or undefined. */
function nullIn(value: unknown, path = "$"): string | undefined {
  if (value === null) return path;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nullIn(value[i], `${path}[${i}]`);
      if (found) return found;
    }
  } else if (typeof value === "object") {
    for (const [k, v] of Object.entries(value as object)) {
      const found = nullIn(v, `${path}.${k}`);
      if (found) return found;
    }
  }
  return undefined;
}

async function send(r: FuzzRequest): Promise<void> {
  const url = new URL(`http://localhost${r.path}`);
  for (const [k, v] of r.query) url.searchParams.append(k, v);
  // WebGPU would start a device per case; its parsing is the same as the other backends'.
  if (url.searchParams.get("backend") === "webgpu") url.searchParams.set("backend", "js");
  const hasBody = r.method !== "GET" && r.method !== "HEAD" && r.body !== undefined;
  const request = new Request(url, {
    method: r.method,
    headers: r.headers,
    body: hasBody ? r.body as Uint8Array<ArrayBuffer> : undefined,
  });
  lastLog = "";
  const res = await app.fetch(request);
  const bytes = new Uint8Array(await res.arrayBuffer());
  const type = res.headers.get("content-type") ?? "";
  const where = `${r.method} ${url.pathname}${url.search} answered ${res.status}`;
  if (res.status >= 500) throw new Error(`${where}: ${lastLog}`);
  if (r.method === "HEAD" || res.status === 204) return;
  if (res.status >= 400 || type.startsWith("application/json")) {
    if (!type.startsWith("application/json")) throw new Error(`${where} as ${type}`);
    const text = new TextDecoder().decode(bytes);
    const json = JSON.parse(text);
    if (res.status >= 400) {
      const keys = Object.keys(json).sort().join();
      if (keys !== "detail,error" || typeof json.detail !== "string" || json.detail === "") {
        throw new Error(`${where} with ${text.slice(0, 200)}`);
      }
    } else {
      const found = nullIn(json);
      if (found) throw new Error(`${where} with null at ${found}`);
    }
    return;
  }
  if (type === "application/x-npy" || type === "application/octet-stream") {
    const grad = readNpy(bytes, "answer");
    if (!grad.data.every(Number.isFinite)) throw new Error(`${where}: a non-finite gradient`);
    return;
  }
  if (!type.startsWith("text/html")) throw new Error(`${where} as ${type}`);
}

/** The request target. */
export const REQUEST_TARGETS: Record<string, FuzzTarget<FuzzRequest>> = {
  requests: { inputs: requests, run: send },
};
