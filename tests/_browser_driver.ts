/**
 * Drives headless Chromium through the service's page for tests/service_browser_test.ts, and
 * prints what the page showed as one JSON line. It runs in its own process because
 * playwright-core needs every permission (it probes the system and spawns the browser), while
 * the test suite runs with fewer.
 *
 *     deno run -A tests/_browser_driver.ts PAGE_URL NPY_FILE JSON_FILE BAD_FILE
 *
 * @module
 */

/// <reference lib="dom" />
// deno-lint-ignore no-import-prefix
import { chromium } from "npm:playwright-core@1.65.2";

const [pageUrl, npyFile, jsonFile, badFile] = Deno.args;

/** Chromium's flags for a container without a GPU or a sandbox (TOOLCHAIN.md). */
const FLAGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

const browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: FLAGS });
try {
  const page = await browser.newPage();
  const problems: string[] = [];
  const origin = new URL(pageUrl).origin;
  page.on("console", (m) => {
    if (m.type() === "error") problems.push(`console: ${m.text()}`);
  });
  page.on("pageerror", (err) => problems.push(`page error: ${err.message}`));
  page.on("request", (r) => {
    if (new URL(r.url()).origin !== origin) problems.push(`request elsewhere: ${r.url()}`);
  });
  await page.goto(pageUrl);

  // Drop the .npy file on the drop zone, as a person dragging it from a file manager would.
  const bytes = Array.from(await Deno.readFile(npyFile));
  const dataTransfer = await page.evaluateHandle((bytes: number[]) => {
    const transfer = new DataTransfer();
    transfer.items.add(new File([new Uint8Array(bytes)], "layer3.npy"));
    return transfer;
  }, bytes);
  await page.dispatchEvent("#drop", "dragover", { dataTransfer });
  await page.dispatchEvent("#drop", "drop", { dataTransfer });
  await page.waitForSelector("#result:not([hidden])", { timeout: 30_000 });
  const dropped = await page.evaluate(readPage);

  // Choose the JSON file with other options, through the file input.
  await page.fill("input[name=projections]", "64");
  await page.fill("input[name=seed]", "3");
  await page.setInputFiles("#file", jsonFile);
  await page.waitForFunction(
    () => document.getElementById("result-title")?.textContent?.includes(".json"),
    undefined,
    { timeout: 30_000 },
  );
  const chosen = await page.evaluate(readPage);
  const before = problems.splice(0);

  // A file the service refuses: the error is shown, the result stays hidden.
  await page.setInputFiles("#file", badFile);
  await page.waitForSelector("#status.error", { timeout: 30_000 });
  const refused = await page.evaluate(readPage);

  // Chromium logs the refused request's 400 on the console; nothing else may appear.
  console.log(JSON.stringify({ dropped, chosen, refused, problems: before, refusal: problems }));
} finally {
  await browser.close();
}

/** What the page shows: status, title, the table, and the elements of each plot. */
function readPage() {
  const svgOf = (id: string) => {
    const svg = document.querySelector(`#${id} svg`);
    if (!svg) return undefined;
    return {
      rects: svg.querySelectorAll("rect").length,
      paths: svg.querySelectorAll("path").length,
      circles: svg.querySelectorAll("circle").length,
      texts: Array.from(svg.querySelectorAll("text")).map((t) => t.textContent ?? ""),
      width: svg.getBoundingClientRect().width,
      caption: document.querySelector(`#${id} figcaption`)?.textContent ?? "",
    };
  };
  return {
    status: document.getElementById("status")?.textContent ?? "",
    statusIsError: document.getElementById("status")?.classList.contains("error") ?? false,
    hidden: (document.getElementById("result") as HTMLElement).hidden,
    title: document.getElementById("result-title")?.textContent ?? "",
    rows: Object.fromEntries(
      Array.from(document.querySelectorAll("#scores tbody tr")).map((tr) => [
        tr.querySelector("th")?.firstChild?.textContent ?? "",
        tr.querySelector("td")?.textContent ?? "",
      ]),
    ),
    histogram: svgOf("histogram"),
    qq: svgOf("qq"),
  };
}
