const nxPreset = require('@nx/jest/preset').default;

// Integration suites build a Nest app on a fresh database in beforeAll (2–4 s, more on a busy 2-core machine):
// hooks and tests get 30 s before jest calls them stuck. Timing targets live in the benchmarks, not here.
module.exports = { ...nxPreset, testTimeout: 30_000 };
