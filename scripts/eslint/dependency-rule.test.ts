import path from 'node:path';
import { describe, it } from 'vitest';
import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import rule from './dependency-rule.js';

RuleTester.describe = describe;
RuleTester.it = it;
const tester = new RuleTester({ languageOptions: { parser: tseslint.parser as never } });
const root = path.resolve(import.meta.dirname, '../..');
const at = (rel: string) => path.join(root, rel);

tester.run('ferry/dependency-rule', rule, {
  valid: [
    { code: "import koffi from 'koffi'; import { x } from './y.ts'; import fs from 'node:fs';", filename: at('packages/libvirt/src/a.ts') },
    { code: "import { z } from 'zod';", filename: at('packages/contract/src/a.ts') },
    { code: "import { Libvirt } from '@ferry/libvirt'; import Fastify from 'fastify';", filename: at('apps/server/src/a.ts') },
    { code: "import { it } from 'vitest'; import { ensureTinyGuest } from '../../../scripts/tinyguest/tinyguest.ts';", filename: at('packages/libvirt/src/a.int.test.ts') },
  ],
  invalid: [
    { code: "import Fastify from 'fastify';", filename: at('packages/libvirt/src/a.ts'), errors: 1 },
    { code: "import { Libvirt } from '@ferry/libvirt';", filename: at('packages/contract/src/a.ts'), errors: 1 },
    { code: "import { Libvirt } from '@ferry/libvirt';", filename: at('apps/web/src/a.ts'), errors: 1 },
    { code: "import { app } from '../../../apps/server/src/app.ts';", filename: at('packages/libvirt/src/a.ts'), errors: 1 },
    { code: "import { ensureTinyGuest } from '../../../scripts/tinyguest/tinyguest.ts';", filename: at('packages/libvirt/src/a.ts'), errors: 1 },
    { code: "export * from '@ferry/server';", filename: at('apps/server/src/a.ts'), errors: 1 },
  ],
});
