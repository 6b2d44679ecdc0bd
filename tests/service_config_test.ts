/** A bad limit in the environment stops the service at start with one line and exit 2. */

import assert from "node:assert/strict";

Deno.test("a bad PER_* variable is one line on stderr and exit 2, no stack trace", async () => {
  for (const [name, value] of [["PER_MAX_WORK", "0"], ["PER_MAX_BODY_BYTES", "1e3"]]) {
    const { code, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "--allow-net",
        "--allow-env",
        new URL("../deploy/serve.ts", import.meta.url).pathname,
      ],
      env: { [name]: value, PORT: "0" },
      stdout: "null",
      stderr: "piped",
    }).output();
    const text = new TextDecoder().decode(stderr);
    assert.equal(code, 2, text);
    assert.match(text, new RegExp(`^per service: ${name} .*\\n$`));
  }
});
