// Errors from outbound requests, each saying whether trying again could help.

export type NetworkErrorCode =
  | "refused_address" // SSRF guard: the destination is private/loopback/… and not allowed
  | "dns" // the host name did not resolve
  | "connect" // connection refused, reset, TLS failure…
  | "timeout"
  | "aborted"
  | "too_many_redirects"
  | "bad_redirect"
  | "response_too_large"
  | "bad_request";

export class NetworkError extends Error {
  readonly code: NetworkErrorCode;
  readonly retriable: boolean;

  constructor(
    code: NetworkErrorCode,
    message: string,
    options: { retriable: boolean; cause?: unknown },
  ) {
    super(message, { cause: options.cause });
    this.name = "NetworkError";
    this.code = code;
    this.retriable = options.retriable;
  }
}

/** Thrown before any connection is made when a destination is not allowed. */
export class AddressRefusedError extends NetworkError {
  constructor(message: string) {
    super("refused_address", message, { retriable: false });
    this.name = "AddressRefusedError";
  }
}
