// Prints each failed journey in a few lines, after the run: CI keeps only the end of the log, and cargo-leptos
// ends a failed run with its own backtrace, which would otherwise push Playwright's summary out of sight.
import { existsSync, readFileSync } from "node:fs";

const path = process.argv[2] ?? "results/report.json";
if (!existsSync(path)) {
  console.log(`==> no Playwright report at ${path}: the journeys did not run`);
  process.exit(0);
}
const report = JSON.parse(readFileSync(path, "utf8"));
const failed = [];
const visit = (suite, titles) => {
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status === "expected" || test.status === "skipped") continue;
      const error = test.results?.map((r) => r.error?.message).find(Boolean) ?? "(no message)";
      const lines = error.replace(/\u001b\[[0-9;]*m/g, "").split("\n").filter((l) => l.trim()).slice(0, 6);
      failed.push(`✘ [${test.status}] ${spec.file}:${spec.line} ${[...titles, spec.title].join(" › ")}\n    ${lines.join("\n    ")}`);
    }
  }
  for (const child of suite.suites ?? []) visit(child, [...titles, child.title].filter(Boolean));
};
for (const suite of report.suites ?? []) visit(suite, []);
const { expected = 0, unexpected = 0, flaky = 0, skipped = 0 } = report.stats ?? {};
console.log(`==> journeys: ${expected} passed, ${unexpected} failed, ${flaky} flaky, ${skipped} skipped`);
for (const line of failed) console.log(line);
