// The dashboard build is the production one whoever asks for it: the e2e files call buildWeb()
// from inside Vitest, where NODE_ENV is 'test', and the dist/ they leave is what `npm start`
// then serves (its stamp is current).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { buildWeb } from './build-web.mjs';

const ASSETS = path.resolve(import.meta.dirname, '../../apps/web/dist/assets');

describe('buildWeb', () => {
  it("bundles React's production build even when called with NODE_ENV=test", { timeout: 120_000 }, () => {
    expect(process.env.NODE_ENV).toBe('test');
    buildWeb({ force: true });
    const entry = readdirSync(ASSETS).find((f) => /^index-.*\.js$/.test(f))!;
    const code = readFileSync(path.join(ASSETS, entry), 'utf8');
    // Production React throws coded errors pointing at react.dev/errors; only the development
    // build carries its DOM-nesting warnings.
    expect(code.includes('react.dev/errors'), 'production React in the entry chunk').toBe(true);
    expect(code.includes('In HTML, %s cannot be'), 'development React in the entry chunk').toBe(false);
  });
});
