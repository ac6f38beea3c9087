/// <reference types="vite/client" />

interface ImportMetaEnv {
  readonly VITE_SENTINEL_URL?: string;
}
