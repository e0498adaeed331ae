/**
 * The CloudFront Functions emulator's compute budget in the tests that run the built function inside the local
 * CloudFront (integration and end-to-end). The emulator counts CPU time, but a garbage collection in the busy test
 * worker is CPU time too, and would turn a correct run into a 503 that CloudFront's compute utilisation would never
 * count. These tests are about routing and
 * flows, so they give 1 s, still enough to stop runaway code; the budget itself is tested in
 * test/unit/scripts/cloudfront-function-runtime.test.ts.
 */
export const E2E_FUNCTION_BUDGET_MS = 1000;
