/** Builds apps/web into apps/web/dist unless it is current; see build-web.mjs. */
export function buildWeb(opts?: { force?: boolean }): { built: boolean };
export function isCurrent(): boolean;
export function inputsHash(): string;
