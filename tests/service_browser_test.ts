/**
 * The page in a real browser: headless Chromium (Debian's `chromium`, driven by
 * playwright-core) drops an .npy file on the page served by a real server on a loopback port,
 * then chooses a JSON file, then a bad one, and the test checks the scores, the plots and the
 * error the page shows. Without Chromium the test fails and says how to install it.
 */

import assert from "node:assert/strict";
import { score } from "../mod.ts";
import { activations, npyBytes, startService } from "./_service.ts";

const CHROMIUM = "/usr/bin/chromium";
const DRIVER = new URL("./_browser_driver.ts", import.meta.url);

Deno.test("the page scores a dropped .npy and a chosen .json file, with both plots", async () => {
  const installed = await Deno.stat(CHROMIUM).then(() => true, () => false);
  assert.ok(
    installed,
    `Chromium is not installed at ${CHROMIUM}, so the page cannot be tested: install it ` +
      "with apt-get install -y --no-install-recommends chromium (.ci/run does)",
  );

  const service = startService();
  const dir = await Deno.makeTempDir();
  try {
    const h = activations(256, 64, 11);
    const g = activations(100, 8, 12);
    await Deno.writeFile(`${dir}/layer3.npy`, npyBytes(h, [256, 64]));
    await Deno.writeTextFile(
      `${dir}/layer4.json`,
      JSON.stringify({ shape: [100, 8], data: Array.from(g) }),
    );
    await Deno.writeTextFile(`${dir}/broken.json`, '{"shape": [2], "data": [1, NaN]}');

    const { code, stdout, stderr } = await new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        DRIVER.pathname,
        `${service.url}/`,
        `${dir}/layer3.npy`,
        `${dir}/layer4.json`,
        `${dir}/broken.json`,
      ],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    const out = new TextDecoder().decode(stdout);
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 0, `the browser driver failed:\n${out}\n${err}`);
    const seen = JSON.parse(out.trim().split("\n").pop()!);
    assert.deepEqual(seen.problems, [], "the page logged errors or loaded something elsewhere");

    // The dropped .npy: its scores, as score() computes them with the form's defaults.
    const a = score(h, [256, 64], { projections: 256, seed: 0 });
    const dropped = seen.dropped;
    assert.equal(dropped.hidden, false);
    assert.equal(dropped.title, "Scores of layer3.npy");
    assert.match(dropped.status, /scored 256 samples of 64 units/);
    assert.equal(dropped.rows["Samples × units"], "256 × 64");
    assert.equal(dropped.rows["PER"], a.per.toPrecision(5));
    assert.equal(dropped.rows["PER, exact"], a.perExact.toPrecision(5));
    assert.equal(dropped.rows["SW₁"], a.sw1.toPrecision(5));
    assert.equal(dropped.rows["SW₂"], a.sw2.toPrecision(5));

    // Both plots are drawn inline: bars and a density curve; points and the y = x line.
    assert.ok(dropped.histogram.rects > 10, JSON.stringify(dropped.histogram));
    assert.ok(dropped.histogram.paths > 0, JSON.stringify(dropped.histogram));
    assert.ok(dropped.histogram.width > 200, "the histogram has no size on the page");
    assert.ok(dropped.qq.circles + dropped.qq.paths > 10, JSON.stringify(dropped.qq));
    assert.match(dropped.histogram.caption, /N\(0, 1\)/);
    assert.match(dropped.qq.caption, /QQ/);

    // The chosen .json with projections 64 and seed 3 from the form.
    const b = score(g, [100, 8], { projections: 64, seed: 3 });
    assert.equal(seen.chosen.title, "Scores of layer4.json");
    assert.equal(seen.chosen.rows["Samples × units"], "100 × 8");
    assert.equal(seen.chosen.rows["PER"], b.per.toPrecision(5));
    assert.match(seen.chosen.rows["Directions"], /^64 \(gaussian, seed 3\)$/);

    // The refused file: the service's error, in the page's status line.
    assert.equal(seen.refused.statusIsError, true);
    assert.match(seen.refused.status, /broken\.json: 400 invalid_json: .*NaN/);
    assert.equal(seen.refused.hidden, true);
    for (const line of seen.refusal) assert.match(line, /status of 400/);
  } finally {
    await service.close();
    await Deno.remove(dir, { recursive: true });
  }
});
