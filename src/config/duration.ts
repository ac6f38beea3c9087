const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/**
 * Parses a duration such as `900`, `30s`, `15m`, `12h` or `14d` into whole seconds.
 * Returns `undefined` for anything else, so the caller can name the variable in its error.
 */
export function parseDurationSeconds(value: string): number | undefined {
  const match = /^(\d+)\s*([smhd]?)$/.exec(value.trim());
  if (!match) return undefined;
  const seconds = Number(match[1]) * UNIT_SECONDS[match[2] || 's'];
  return Number.isSafeInteger(seconds) ? seconds : undefined;
}
