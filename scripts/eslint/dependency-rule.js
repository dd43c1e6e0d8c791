// ESLint rule `ferry/dependency-rule`: the dependency rule of docs/architecture.md, as a table.
//   contract → zod only · libvirt → koffi only · domain-xml → its XML library only
//   server → contract, libvirt, domain-xml (+ any third-party library) · web → contract only
//   nothing imports apps/*; relative imports never leave their workspace.
// Tests may also import the test tooling (vitest) and scripts/ (e.g. the tinyguest builder).
import path from 'node:path';
import { builtinModules } from 'node:module';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** Bare imports each workspace may use. `thirdParty: true` allows any non-@ferry package. */
const RULES = {
  'packages/contract': { allow: ['zod'] },
  // tsx only in worker/bootstrap.mjs: Node 20 cannot load the TypeScript Workers by itself.
  'packages/libvirt': { allow: ['koffi', 'tsx'] },
  'packages/domain-xml': { allow: ['fast-xml-parser'] },
  'apps/server': { allow: ['@ferry/contract', '@ferry/libvirt', '@ferry/domain-xml'], thirdParty: true },
  'apps/web': { allow: ['@ferry/contract'], thirdParty: true },
};
const TEST_ONLY = ['vitest', 'playwright-core'];

const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);
const isBuiltin = (spec) => spec.startsWith('node:') || builtinModules.includes(packageName(spec));
const isTest = (file) => /\.(int\.)?test\.tsx?$/.test(file) || /[/\\](test-support|e2e)[/\\]/.test(file);

function workspaceOf(file) {
  const rel = path.relative(ROOT, file).split(path.sep).join('/');
  const m = /^(apps|packages)\/[^/]+/.exec(rel);
  return m ? m[0] : null;
}

export default {
  meta: { type: 'problem', docs: { description: 'enforce the workspace dependency rule' }, schema: [] },
  create(context) {
    const file = context.filename;
    const ws = workspaceOf(file);
    if (!ws || !RULES[ws]) return {};
    const rule = RULES[ws];
    const test = isTest(file);

    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.resolve(path.dirname(file), spec);
        const targetWs = workspaceOf(target);
        const rel = path.relative(ROOT, target).split(path.sep).join('/');
        if (targetWs === ws) return;
        if (test && rel.startsWith('scripts/')) return;
        context.report({ node, message: `${ws} may not reach into ${targetWs ?? rel} by a relative import` });
        return;
      }
      if (isBuiltin(spec)) return;
      const pkg = packageName(spec);
      if (rule.allow.includes(pkg)) return;
      if (test && TEST_ONLY.includes(pkg)) return;
      if (pkg.startsWith('@ferry/')) {
        context.report({ node, message: `${ws} may not import ${pkg} (see the dependency rule in docs/architecture.md)` });
        return;
      }
      if (rule.thirdParty) return;
      context.report({ node, message: `${ws} may depend only on ${rule.allow.join(', ')}; not on ${pkg}` });
    }

    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};
