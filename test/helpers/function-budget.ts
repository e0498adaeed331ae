/**
 * The CloudFront Functions emulator's compute budget in the tests that run the built function inside the local
 * CloudFront (integration and end-to-end). The emulator's default, 50 ms, is wall-clock time: on a shared CI
 * machine a host stall (another process, a garbage collection in the test worker) of that length turns a correct
 * run into a 503, which CloudFront's compute utilisation would never count. These tests are about routing and
 * flows, so they give 1 s, still enough to stop runaway code; the budget itself is tested in
 * test/unit/local/cloudfront-function-runtime.test.ts.
 */
export const E2E_FUNCTION_BUDGET_MS = 1000;
