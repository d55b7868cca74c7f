// Imported first by main.ts, before any module that defines a zod schema: zod compiles parsers with
// new Function() unless told not to, and probes for it while schemas are being defined — which the
// panel's CSP (no 'unsafe-eval') reports as a violation.
import { z } from 'zod';

z.config({ jitless: true });
