// A node:test reporter that ends with the line "N passed, M failed" that tests/run adds up.
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  for await (const event of source) {
    // Only top-level tests count (a failing subtest fails its parent too).
    if (event.type === "test:pass" && event.data.nesting === 0 && !event.data.skip) passed++;
    if (event.type === "test:fail" && event.data.nesting === 0) failed++;
  }
  yield `${passed} passed, ${failed} failed\n`;
}
