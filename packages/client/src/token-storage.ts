/**
 * Where `mode: 'memory'` keeps the refresh token between runs: the platform's secure storage on
 * mobile, a file or a secret store in a service. Async, so any of those fits.
 */
export interface RefreshTokenStorage {
  get(): Promise<string | undefined> | string | undefined;
  set(token: string | undefined): Promise<void> | void;
}

/** The default: the refresh token lives as long as the process. */
export function memoryStorage(): RefreshTokenStorage {
  let token: string | undefined;
  return {
    get: () => token,
    set: (value) => {
      token = value;
    },
  };
}
