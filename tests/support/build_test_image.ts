/**
 * Builds the busybox image the integration tests and benchmarks use, if it is missing.
 * @module
 */
import { ensureTestImage, TEST_IMAGE } from "./test_image.ts";

await ensureTestImage();
console.log(`test image ${TEST_IMAGE} ready`);
