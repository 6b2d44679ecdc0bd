/** The thread setting the tests return to after changing it. */

import { threads } from "../mod.ts";

/** The default thread count, read before any test changes it. */
export const defaultThreadsForTests: number = threads();
