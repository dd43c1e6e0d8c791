// The web dashboard (apps/web, built into apps/web/dist) at `/`, same origin as the API.
//
// - Hashed files under /assets/ never change under one name: cached for a year, immutable.
// - A path that is not a file is a page of the dashboard's own router: index.html, revalidated
//   on every load (no-cache), so a new build is picked up at once.
// - Only the dashboard's own sections are routed here (PAGE_SECTIONS, plus /, /assets/ and the
//   icon), never a catch-all: /api/** stays the API's alone (its 404s, and the router's own 400
//   for an overlong path parameter), and any other path gets the ordinary JSON 404.
// - Not built yet (no index.html): a plain page saying how to build it, status 503.
// - The build leaves .br and .gz next to scripts and styles: sent to browsers that accept them.
// The server's CSP allows no inline script (security-headers.ts); the build emits none.
// A new top-level section of the dashboard's router (apps/web/src/app/routes.tsx) goes in
// PAGE_SECTIONS; pages below an existing section need nothing here.
import fs from 'node:fs';
import path from 'node:path';
import fp from 'fastify-plugin';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export interface WebPluginOptions {
  /** The built dashboard (default: apps/web/dist of this checkout). */
  root?: string;
}

export const DEFAULT_WEB_ROOT = path.resolve(import.meta.dirname, '../../../web/dist');

const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Ferry: dashboard not built</title>
<style>body{font:15px/1.5 system-ui,sans-serif;max-width:40em;margin:4em auto;padding:0 1em;color:#1d2733}code{background:#eef2f6;padding:.1em .3em;border-radius:3px}</style>
</head><body>
<h1>Ferry is running, but its web dashboard has not been built</h1>
<p>Build it from the repository root with <code>npm start</code> (which builds what is missing before it serves), or on its own with
<code>node scripts/setup/build-web.mjs</code>, then reload this page.</p>
<p>The API works meanwhile: <a href="/api/docs">/api/docs</a> documents it.</p>
</body></html>
`;

/** Top-level paths of the dashboard's router: each serves index.html, as does everything below it. */
export const PAGE_SECTIONS = ['login', 'vms', 'hosts', 'storage', 'networks', 'tasks', 'users', 'tokens', 'acl', 'audit', 'settings'] as const;

/** The request path inside the dist folder, or null when it cannot name a file there. */
function fileIn(root: string, urlPath: string): string | null {
  if (urlPath.includes('\0') || urlPath.split('/').some((seg) => seg === '..')) return null;
  const full = path.join(root, urlPath);
  if (!full.startsWith(root + path.sep)) return null;
  try {
    return fs.statSync(full).isFile() ? full : null;
  } catch {
    return null;
  }
}

export default fp(async function web(app: FastifyInstance, opts: WebPluginOptions) {
  const root = path.resolve(opts.root ?? DEFAULT_WEB_ROOT);
  // sendFile only: the routes below decide what each path is.
  await app.register(fastifyStatic, { root, serve: false, wildcard: false, index: false, preCompressed: true });

  function sendIndex(reply: FastifyReply) {
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', { cacheControl: false });
  }

  async function handler(req: FastifyRequest, reply: FastifyReply) {
    let urlPath: string;
    try {
      urlPath = decodeURIComponent((req.url.split('?')[0] ?? '/'));
    } catch {
      return reply.callNotFound();
    }
    if (!fs.existsSync(path.join(root, 'index.html'))) {
      return reply.code(503).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    const file = urlPath === '/' ? null : fileIn(root, urlPath);
    if (file) {
      const rel = path.relative(root, file);
      if (rel.startsWith(`assets${path.sep}`)) return reply.sendFile(rel, { immutable: true, maxAge: '365d' });
      reply.header('cache-control', 'no-cache');
      return reply.sendFile(rel, { cacheControl: false });
    }
    // A missing file (it has an extension) is a 404; anything else is a page of the dashboard.
    if (/\.[A-Za-z0-9]{1,8}$/.test(urlPath)) return reply.callNotFound();
    return sendIndex(reply);
  }

  for (const url of ['/', '/favicon.svg', '/assets/*', ...PAGE_SECTIONS.flatMap((s) => [`/${s}`, `/${s}/*`])]) {
    app.route({ method: ['GET', 'HEAD'], url, handler });
  }
}, { name: 'web' });
