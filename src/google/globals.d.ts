/** The build's default OAuth client id, replaced by vite and vitest `define` (empty when none is built in). */
declare const __DEFAULT_GOOGLE_CLIENT_ID__: string;
