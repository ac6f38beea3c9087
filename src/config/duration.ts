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

const UNIT_BYTES: Record<string, number> = { b: 1, kb: 1024, mb: 1024 * 1024 };

/** Parses a size such as `102400`, `100kb` or `1mb` into bytes. */
export function parseByteSize(value: string): number | undefined {
  const match = /^(\d+)\s*(b|kb|mb)?$/i.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNIT_BYTES[(match[2] ?? 'b').toLowerCase()];
}
