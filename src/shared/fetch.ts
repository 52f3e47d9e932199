/** The fetch the domain modules use; injected so contract tests can point it at the fakes. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
