/** The API's error body (`ErrorResponseDto`), or what the client makes of a response without one. */
export interface SentinelErrorBody {
  statusCode: number;
  error?: string;
  message: string;
  code: string;
  requestId?: string;
}

/**
 * A refused request, with the server's stable `code` to switch on (`invalid_credentials`,
 * `refresh_token_reused`, `token_revoked`, …) and its HTTP status.
 */
export class SentinelError extends Error {
  readonly status: number;
  readonly code: string;
  readonly body: SentinelErrorBody;

  constructor(body: SentinelErrorBody) {
    super(body.message);
    this.name = 'SentinelError';
    this.status = body.statusCode;
    this.code = body.code;
    this.body = body;
  }

  /** Reads the error body of a failed response, whatever it holds. */
  static async from(response: Response): Promise<SentinelError> {
    const body = (await response
      .clone()
      .json()
      .catch(() => undefined)) as Partial<SentinelErrorBody> | undefined;
    return new SentinelError({
      statusCode: response.status,
      error: body?.error,
      message: body?.message ?? response.statusText,
      code: body?.code ?? `http_${response.status}`,
      requestId: body?.requestId,
    });
  }
}
