// `node --import ./test/trace/helpers/register-ts.mjs script.ts`: installs ts-hooks.mjs.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
