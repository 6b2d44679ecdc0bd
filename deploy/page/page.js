// The page's script: sends a dropped or chosen file to v1/score with the options of the form,
// then shows the scores and the two plots the service rendered. It runs inline, allowed by a
// hash in the page's Content-Security-Policy, and loads nothing else.
/// <reference lib="dom" />
// @ts-check

/** @type {Record<string, string>} */
const TYPES = { ".npy": "application/x-npy", ".json": "application/json" };

const drop = /** @type {HTMLElement} */ (document.getElementById("drop"));
const input = /** @type {HTMLInputElement} */ (document.getElementById("file"));
const form = /** @type {HTMLFormElement} */ (document.getElementById("options"));
const status = /** @type {HTMLElement} */ (document.getElementById("status"));
const result = /** @type {HTMLElement} */ (document.getElementById("result"));

/**
 * The API's URL relative to the page, wherever the platform mounts it.
 * @param {string} path
 * @param {URLSearchParams} params
 */
function apiUrl(path, params) {
  const here = location.href.replace(/[?#].*$/, "");
  const url = new URL(path, here.endsWith("/") ? here : here + "/");
  url.search = params.toString();
  return url;
}

/**
 * Shows a message; errors in the error color.
 * @param {string} text
 */
function say(text, isError = false) {
  status.textContent = text;
  status.classList.toggle("error", isError);
}

/**
 * Sends one file and shows what comes back.
 * @param {File} file
 */
async function send(file) {
  const dot = file.name.lastIndexOf(".");
  const ext = dot < 0 ? "" : file.name.slice(dot).toLowerCase();
  const type = Object.hasOwn(TYPES, ext) ? TYPES[ext] : undefined;
  if (type === undefined) {
    say(`${file.name}: only .npy and .json files can be scored here`, true);
    return;
  }
  const params = new URLSearchParams({ plots: "true" });
  for (const [key, value] of new FormData(form)) {
    if (typeof value === "string" && value !== "") params.set(key, value);
  }
  say(`Scoring ${file.name} (${file.size} bytes)…`);
  result.hidden = true;
  let response;
  try {
    response = await fetch(apiUrl("v1/score", params), {
      method: "POST",
      headers: { "Content-Type": type, Accept: "application/json" },
      body: file,
    });
  } catch (err) {
    say(`${file.name}: the service could not be reached (${err})`, true);
    return;
  }
  const body = await response.json().catch(() => undefined);
  if (!response.ok) {
    const detail = body?.detail ?? response.statusText;
    say(`${file.name}: ${response.status} ${body?.error ?? ""}: ${detail}`, true);
    return;
  }
  show(body, file.name);
  say(`${file.name}: scored ${body.samples} samples of ${body.dim} units.`);
}

/**
 * Formats a number for the table.
 * @param {number} x
 */
function num(x) {
  return Math.abs(x) >= 1e-3 && Math.abs(x) < 1e6 ? x.toPrecision(5) : x.toExponential(3);
}

/** @param {number[]} values */
function mean(values) {
  return values.reduce((a, b) => a + b, 0) / values.length;
}

/**
 * Fills the table and the figures.
 * @param {any} score the score() JSON with its plots
 * @param {string} name
 */
function show(score, name) {
  /** @type {[string, string, string][]} */
  const rows = [
    ["Samples × units", `${score.samples} × ${score.dim}`, "n × d"],
    ["Directions", `${score.projections} (${score.directions}, seed ${score.seed})`, "s"],
    ["PER", num(score.per), "Monte Carlo over the s directions"],
    ["PER, exact", num(score.perExact), "expectation over all directions"],
    ["SW₁", num(score.sw1), "sliced 1-Wasserstein distance to N(0, I)"],
    ["SW₂", num(score.sw2), "sliced 2-Wasserstein distance"],
    ["Covariance distance", num(score.covDistance), "‖C − I‖ (Frobenius) / d; 0 for N(0, I)"],
    ["Dead units", `${(100 * score.deadFraction).toFixed(1)} %`, "exactly 0 on every sample"],
    ["Mean of unit means", num(mean(score.unitMean)), "0 for N(0, I)"],
    ["Mean of unit std", num(mean(score.unitStd)), "1 for N(0, I)"],
  ];
  const body = /** @type {HTMLTableSectionElement} */ (document.querySelector("#scores tbody"));
  body.replaceChildren(
    ...rows.map(([label, value, note]) => {
      const tr = document.createElement("tr");
      const th = document.createElement("th");
      th.scope = "row";
      th.textContent = label;
      const small = document.createElement("small");
      small.textContent = note;
      th.append(small);
      const td = document.createElement("td");
      td.textContent = value;
      td.dataset.key = label;
      tr.append(th, td);
      return tr;
    }),
  );
  const title = /** @type {HTMLElement} */ (document.getElementById("result-title"));
  title.textContent = `Scores of ${name}`;
  figure("histogram", score.plots.histogram, "Projected values against the N(0, 1) density");
  figure("qq", score.plots.qq, "Normal QQ plot: points on the line are N(0, 1)");
  result.hidden = false;
}

/**
 * Puts a server-rendered SVG document into a figure, parsed as XML rather than HTML.
 * @param {string} id
 * @param {string} svgText
 * @param {string} caption
 */
function figure(id, svgText, caption) {
  const parsed = new DOMParser().parseFromString(svgText, "image/svg+xml");
  const root = parsed.documentElement;
  const target = /** @type {HTMLElement} */ (document.getElementById(id));
  const figcaption = document.createElement("figcaption");
  figcaption.textContent = caption;
  if (root.namespaceURI !== "http://www.w3.org/2000/svg") {
    figcaption.textContent = `${caption}: the plot could not be read`;
    target.replaceChildren(figcaption);
    return;
  }
  target.replaceChildren(document.importNode(root, true), figcaption);
}

drop.addEventListener("dragover", (event) => {
  event.preventDefault();
  drop.classList.add("over");
});
drop.addEventListener("dragleave", () => drop.classList.remove("over"));
drop.addEventListener("drop", (event) => {
  event.preventDefault();
  drop.classList.remove("over");
  const file = event.dataTransfer?.files[0];
  if (file) send(file);
});
input.addEventListener("change", () => {
  const file = input.files?.[0];
  if (file) send(file);
  input.value = "";
});
