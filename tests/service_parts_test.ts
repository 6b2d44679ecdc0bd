/**
 * The service's parts on their own: limits and configuration from the environment, the
 * Content-Length reading, Accept negotiation, the JSON depth scan, the work caps, options,
 * the generated page, and the Supabase function's import pins.
 */

import assert from "node:assert/strict";
import { createApp } from "../deploy/app.ts";
import { configFromEnv } from "../deploy/config.ts";
import { contentLength } from "../deploy/content_length.ts";
import { HttpError } from "../deploy/http_error.ts";
import { checkJsonDepth } from "../deploy/json_depth.ts";
import { topLevelFields } from "../deploy/json_fields.ts";
import { DEFAULT_LIMITS, LIMIT_VARIABLES, limitsFromEnv } from "../deploy/limits.ts";
import { negotiate } from "../deploy/media_type.ts";
import { buildPage, GENERATED } from "../deploy/page/build_page.ts";
import { optionsFromJson, optionsFromQuery } from "../deploy/request_options.ts";
import { checkWork } from "../deploy/work_cap.ts";

/** Runs `fn` and returns the HttpError it throws. */
function httpError(fn: () => unknown): HttpError {
  try {
    fn();
  } catch (err) {
    if (err instanceof HttpError) return err;
    throw err;
  }
  throw new assert.AssertionError({ message: "no HttpError was thrown" });
}

Deno.test("limits come from PER_* variables, digits only, defaults otherwise", () => {
  assert.deepEqual(limitsFromEnv(() => undefined), DEFAULT_LIMITS);
  const env: Record<string, string> = { PER_MAX_BODY_BYTES: "1024", PER_MAX_WORK: "" };
  const limits = limitsFromEnv((name) => env[name]);
  assert.equal(limits.maxBodyBytes, 1024);
  assert.equal(limits.maxWork, DEFAULT_LIMITS.maxWork);
  for (const bad of ["1e3", "-5", "12abc", "0", " 12", "0x10", "99999999999999999"]) {
    assert.throws(
      () => limitsFromEnv((name) => name === "PER_MAX_BODY_BYTES" ? bad : undefined),
      (err: Error) => err instanceof RangeError && err.message.includes(`"${bad}"`),
      bad,
    );
  }
  // Every limit has its variable, and every variable is read.
  assert.deepEqual(Object.keys(LIMIT_VARIABLES).sort(), Object.keys(DEFAULT_LIMITS).sort());
  for (const [key, name] of Object.entries(LIMIT_VARIABLES)) {
    const set = limitsFromEnv((n) => n === name ? "7" : undefined);
    assert.equal(set[key as keyof typeof set], 7, name);
  }
});

Deno.test("CORS origins and the log switch come from the environment", () => {
  const off = configFromEnv(() => undefined);
  assert.deepEqual(off.corsOrigins, []);
  assert.equal(typeof off.log, "function");
  const env: Record<string, string> = {
    PER_CORS_ORIGINS: "https://a.example, http://localhost:3000",
    PER_LOG: "off",
  };
  const on = configFromEnv((name) => env[name], "/per");
  assert.deepEqual(on.corsOrigins, ["https://a.example", "http://localhost:3000"]);
  assert.equal(on.log, undefined);
  assert.equal(on.basePath, "/per");
  assert.throws(() => configFromEnv((n) => n === "PER_CORS_ORIGINS" ? "a.example" : undefined));
  assert.throws(() => configFromEnv((n) => n === "PER_LOG" ? "loud" : undefined));
});

Deno.test("Content-Length is digits within the limit, or a 400 or 413 before any parsing", () => {
  assert.equal(contentLength(null, 100), undefined);
  assert.equal(contentLength("100", 100), 100);
  assert.equal(contentLength("0007", 100), 7);
  for (const bad of ["12abc", "-5", "1e3", "", " 10", "10, 10", "+10", "0x10", "1.0"]) {
    assert.equal(httpError(() => contentLength(bad, 100)).status, 400, bad);
  }
  for (const big of ["101", "99999999999999999999999", "00000000000000000000000101"]) {
    const err = httpError(() => contentLength(big, 100));
    assert.equal(err.status, 413, big);
    assert.match(err.message, /over the limit of 100 bytes/);
  }
});

Deno.test("the app itself refuses a lying Content-Length a platform lets through", async () => {
  // Deno's own server refuses these before the app sees them; other platforms may not.
  const app = createApp({
    limits: DEFAULT_LIMITS,
    corsOrigins: [],
    log: undefined,
    basePath: "",
  });
  for (const [length, status] of [["12abc", 400], ["-5", 400], ["1e3", 400], ["17825792", 413]]) {
    const res = await app.fetch(
      new Request("http://localhost/v1/score", {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": `${length}` },
        body: "[1, 2, 3, 4, 5, 6]",
      }),
    );
    const body = await res.json();
    assert.equal(res.status, status, `${length}: ${JSON.stringify(body)}`);
    assert.match(body.detail, /Content-Length/);
  }
  // A body that stops short of its declared length is not passed on.
  const short = await app.fetch(
    new Request("http://localhost/v1/score", {
      method: "POST",
      headers: { "content-type": "application/json", "content-length": "100" },
      body: "[1, 2]",
    }),
  );
  assert.equal(short.status, 400);
  assert.match((await short.json()).detail, /ended after 6 of the 100 bytes/);
});

Deno.test("Accept picks the best offer by quality, wildcards and specificity", () => {
  const offers = ["application/json", "application/x-npy", "application/octet-stream"];
  const cases: [string | null, string][] = [
    [null, "application/json"],
    ["", "application/json"],
    ["*/*", "application/json"],
    ["application/x-npy", "application/x-npy"],
    ["application/*;q=0.5, application/octet-stream", "application/octet-stream"],
    ["application/json;q=0, */*;q=0.1", "application/x-npy"],
    ["text/html, application/x-npy;q=0.2", "application/x-npy"],
  ];
  for (const [header, expected] of cases) assert.equal(negotiate(header, offers), expected);
  assert.equal(httpError(() => negotiate("text/html", offers)).status, 406);
  assert.equal(
    httpError(() => negotiate("application/json;q=0", ["application/json"])).status,
    406,
  );
});

Deno.test("the JSON depth scan counts brackets outside strings only", () => {
  const bytes = (text: string) => new TextEncoder().encode(text);
  checkJsonDepth(bytes('{"data": [[1]], "note": "[[[[[[", "q": "\\"[[[["}'), 3);
  const err = httpError(() => checkJsonDepth(bytes('{"a": [[[1]]]}'), 3));
  assert.equal(err.status, 400);
  assert.match(err.message, /deeper than 3 levels at byte 8/);
  // 8 MiB of "[" is refused at byte 33 of the default depth, long before any tree is built.
  const bomb = new Uint8Array(8 * 2 ** 20).fill(0x5b);
  const start = performance.now();
  assert.match(httpError(() => checkJsonDepth(bomb, 33)).message, /at byte 33/);
  assert.ok(performance.now() - start < 100);
});

Deno.test("the top-level fields beside data are read without parsing data", () => {
  const skip = new Set(["shape", "data"]);
  const text = ' \n{ "data" : [[1, "]}"], {"a": "\\"}"}] ,"seed":7, "layout": "n\\"chw",' +
    ' "theta": [[1, 0]], "shape": [2], "exact": false, "x": {"y": [1, {"z": null}]} }\n';
  const fields = topLevelFields(text, skip)!;
  assert.deepEqual({ ...fields }, {
    seed: 7,
    layout: 'n"chw',
    theta: [[1, 0]],
    exact: false,
    x: { y: [1, { z: null }] },
  });
  assert.equal(topLevelFields("[[1, 2]]", skip), undefined);
  assert.deepEqual({ ...topLevelFields("{}", skip) }, {});
  // A field named __proto__ is a field, not the object's prototype.
  const proto = topLevelFields('{"__proto__": {"seed": 1}, "data": [1]}', skip)!;
  assert.deepEqual(Object.keys(proto), ["__proto__"]);
  assert.equal(Object.getPrototypeOf(proto), null);
  assert.match(
    httpError(() => optionsFromJson(proto, "score")).message,
    /unknown field "__proto__"/,
  );
});

Deno.test("the work caps name the product, its value, the cap and its variable", () => {
  const limits = DEFAULT_LIMITS;
  checkWork("grad", [256, 512], { projections: 8192 }, limits); // exactly 2^30: allowed
  const err = httpError(() => checkWork("grad", [256, 512], { projections: 8193 }, limits));
  assert.equal(err.status, 413);
  assert.equal(
    err.message,
    "samples × dimension × projections is 256 × 512 × 8193 = 1073872896 over the cap of " +
      "1073741824 (PER_MAX_WORK); send fewer samples or projections",
  );
  // The exact mode counts as one projection; explicit directions count by their rows.
  checkWork("grad", [4096, 1024], { projections: Infinity }, limits);
  checkWork("grad", [2, 2], { theta: new Float64Array(2), thetaRows: 1 }, limits);
  // Layouts: nchw [N, C, H, W] is N·H·W samples of C units.
  const nchw = httpError(() =>
    checkWork("score", [64, 4, 128, 128], { layout: "nchw", projections: 32 }, limits)
  );
  assert.match(nchw.message, /samples × projections is 1048576 × 32 = 33554432/);
  // Shapes the library refuses itself pass through to its own message.
  checkWork("score", [2, 2, 2], {}, limits);
});

Deno.test("options come from the query or the body, typed, once each", () => {
  const q = optionsFromQuery(
    new URLSearchParams("projections=Infinity&exact=1&layout=nchw&shape=2,3"),
    "grad",
  );
  assert.deepEqual(q, { projections: Infinity, exact: true, layout: "nchw", shape: [2, 3] });
  const bad: [string, "score" | "grad", RegExp][] = [
    ["seed=-1", "score", /not a non-negative integer/],
    ["projections=0", "score", /positive integer/],
    ["projections=1e3", "score", /positive integer/],
    ["plots=yes", "score", /true, false, 1 or 0/],
    ["reduction=sum", "score", /unknown query parameter "reduction"/],
    ["plots=1", "grad", /unknown query parameter "plots"/],
    ["seed=1&seed=2", "score", /given 2 times/],
    ["shape=2,,3", "score", /not up to 8 positive integers/],
    ["shape=0,3", "score", /shape\[0\] is 0/],
  ];
  for (const [query, endpoint, message] of bad) {
    const err = httpError(() => optionsFromQuery(new URLSearchParams(query), endpoint));
    assert.equal(err.status, 400, query);
    assert.match(err.message, message, query);
  }
  assert.deepEqual(optionsFromJson([[1, 2]], "score"), {});
  const body = optionsFromJson({ data: [1], projections: "Infinity", reduction: "sum" }, "grad");
  assert.deepEqual(body, { projections: Infinity, reduction: "sum" });
  const wrong: [unknown, RegExp][] = [
    [{ data: [1], seed: "1" }, /seed is the string "1", not a number/],
    [{ data: [1], projections: 1e400 }, /projections is Infinity, not a positive integer/],
    [{ data: [1], theta: [[1, 2], [3]] }, /theta\[1\] is a row of 1, but theta\[0\] holds 2/],
    [{ data: [1], theta: [[1, "2"]] }, /theta\[0\]\[1\] is the string "2"/],
    [{ data: [1], theta: [1, 2] }, /theta\[0\] is 1, not a non-empty array/],
    [{ data: [1], exact: "true" }, /exact is the string "true", not true or false/],
  ];
  for (const [root, message] of wrong) {
    assert.match(httpError(() => optionsFromJson(root, "grad")).message, message);
  }
});

Deno.test("the generated page is up to date with its sources", async () => {
  const dir = new URL("../deploy/page/", import.meta.url);
  const built = await buildPage((name) => Deno.readTextFile(new URL(name, dir)));
  const current = await Deno.readTextFile(new URL(GENERATED, dir));
  assert.ok(
    built === current,
    "deploy/page/page.generated.ts is stale: run deno run --allow-read=deploy/page " +
      "--allow-write=deploy/page deploy/page/build_page.ts",
  );
});

Deno.test("the service imports relative paths and exactly pinned npm packages only", async () => {
  // No import map is needed: Supabase and Deno Deploy run the files as they are.
  const files: string[] = [];
  const walk = async (dir: URL) => {
    for await (const entry of Deno.readDir(dir)) {
      const url = new URL(entry.name + (entry.isDirectory ? "/" : ""), dir);
      if (entry.isDirectory) await walk(url);
      else if (/\.(ts|js)$/.test(entry.name)) files.push(url.pathname);
    }
  };
  await walk(new URL("../deploy/", import.meta.url));
  let imports = 0;
  for (const file of files) {
    const text = await Deno.readTextFile(file);
    for (const [, specifier] of text.matchAll(/^(?:import|export) [^"\n]*from "([^"]+)"/gm)) {
      assert.match(
        specifier,
        /^(\.{1,2}\/|npm:(@[a-z0-9-]+\/)?[a-z0-9.-]+@[0-9]+\.[0-9]+\.[0-9]+(\/|$))/,
        `${file} imports ${specifier}`,
      );
      imports++;
    }
  }
  assert.ok(files.length > 10 && imports > 30, `${files.length} files, ${imports} imports`);
});
