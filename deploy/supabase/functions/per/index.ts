/**
 * The service as a Supabase edge function named `per`. Supabase passes the function's
 * requests with paths under `/per` (`https://<ref>.supabase.co/functions/v1/per/v1/score`
 * arrives as `/per/v1/score`), so the app is mounted there. The limits come from the
 * function's secrets (`supabase secrets set PER_MAX_BODY_BYTES=...`); see the README for the
 * deploy command and how the limits fit Supabase's own.
 *
 * Locally, without the Supabase CLI:
 *
 *     DENO_SERVE_ADDRESS=tcp:127.0.0.1:8000 deno run --allow-net --allow-env \
 *       deploy/supabase/functions/per/index.ts
 *
 * @module
 */

import { createApp } from "../../../app.ts";
import { configFromEnv } from "../../../config.ts";

const app = createApp(configFromEnv((name) => Deno.env.get(name), "/per"));

Deno.serve((request) => app.fetch(request));
