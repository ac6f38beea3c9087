/**
 * The next value of a user's security stamp (`sessionsValidAfter`): now, but always after the
 * current one, so the stamp only moves forward even when instances' clocks disagree. A session
 * opened under an older stamp can no longer be opened or refreshed (issue 12).
 */
export function nextSecurityStamp(current: Date): Date {
  return new Date(Math.max(Date.now(), current.getTime() + 1));
}
