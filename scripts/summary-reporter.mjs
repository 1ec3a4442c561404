// A node:test reporter that prints one closing line: "N passed, N failed, N skipped".
// Only leaf tests count (suites are containers, not tests).
export default async function* summary(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  const isSuite = (data) => data.details?.type === 'suite';
  for await (const event of source) {
    if (event.type === 'test:pass' && !isSuite(event.data)) {
      if (event.data.skip || event.data.todo) skipped++;
      else passed++;
    } else if (event.type === 'test:fail') {
      // A suite fails on its own account when a hook (before/after) fails; when only its
      // tests failed, those were counted already.
      const why = event.data.details?.error?.failureType;
      if (!isSuite(event.data) || why !== 'subtestsFailed') failed++;
    }
  }
  yield `${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`;
}
