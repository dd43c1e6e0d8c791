// `request.log`, made only when something logs. Fastify gives every request a pino child logger
// bound to its reqId; building one (an object, its bindings serialized) was a measurable part of
// a request, and almost every request logs nothing but its access line, which access-log.ts
// writes from the parent logger and the reqId directly. So each request gets this stand-in,
// which creates the real child — with the same bindings and options Fastify would use — the
// first time anything logs through it.
import type { FastifyBaseLogger, FastifyServerOptions } from 'fastify';
import type { Bindings, ChildLoggerOptions } from 'pino';

type Level = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
type Args = [unknown, ...unknown[]];
type Loose = Record<Level, (...args: unknown[]) => void> & { isLevelEnabled?: (level: string) => boolean };

export class RequestLogger {
  #logger: FastifyBaseLogger | null = null;

  constructor(readonly parent: FastifyBaseLogger, readonly bindings: Bindings, private readonly options: ChildLoggerOptions) {}

  /** The real child logger (made on first use). */
  get logger(): FastifyBaseLogger {
    return (this.#logger ??= this.parent.child(this.bindings, this.options));
  }

  /** Whether the real child exists yet (access-log.ts writes without making it). */
  get made(): boolean {
    return this.#logger !== null;
  }

  get level(): string {
    return this.#logger?.level ?? this.options.level ?? this.parent.level;
  }

  set level(level: string) {
    this.logger.level = level;
  }

  // Methods on the prototype, not arrow-function fields: one object per request, not eight.
  fatal(...args: Args): void { (this.logger as unknown as Loose).fatal(...args); }
  error(...args: Args): void { (this.logger as unknown as Loose).error(...args); }
  warn(...args: Args): void { (this.logger as unknown as Loose).warn(...args); }
  info(...args: Args): void { (this.logger as unknown as Loose).info(...args); }
  debug(...args: Args): void { (this.logger as unknown as Loose).debug(...args); }
  trace(...args: Args): void { (this.logger as unknown as Loose).trace(...args); }
  silent(...args: Args): void { (this.logger as unknown as Loose).silent(...args); }

  child(bindings: Bindings, options?: ChildLoggerOptions): FastifyBaseLogger {
    return this.logger.child(bindings, options);
  }

  isLevelEnabled(level: Level): boolean {
    // A route-level logLevel makes the child's level differ from the parent's: ask the child.
    const own = this.#logger ?? (this.options.level !== undefined ? this.logger : this.parent);
    return (own as unknown as Loose).isLevelEnabled?.(level) ?? true;
  }
}

/** Fastify's `childLoggerFactory` option: a RequestLogger instead of a pino child per request. */
export const requestLoggerFactory: NonNullable<FastifyServerOptions['childLoggerFactory']> = function (logger, bindings, options) {
  return new RequestLogger(logger, bindings, options) as unknown as FastifyBaseLogger;
};
