import { ERROR_CODES, type ErrorCode, type ErrorBody, type FieldIssue } from '@parley/common';

/** The one error class of the API: a stable code from `common`, its HTTP status, and details. */
export class AppError extends Error {
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: ErrorBody['error']['details'],
  ) {
    super(message);
    this.name = 'AppError';
    this.status = ERROR_CODES[code];
  }

  static validation(fields: FieldIssue[]): AppError {
    const summary = fields.map((issue) => `${issue.field} ${issue.message}`).join('; ');
    return new AppError('VALIDATION_FAILED', `Some fields are not valid: ${summary}`, { fields });
  }

  static notFound(what: string): AppError {
    return new AppError('NOT_FOUND', `${what} was not found`);
  }

  static forbidden(message = 'You are not allowed to do this'): AppError {
    return new AppError('FORBIDDEN', message);
  }

  toBody(): ErrorBody {
    return { error: { code: this.code, message: this.message, ...(this.details ? { details: this.details } : {}) } };
  }
}

/**
 * A unique index refused the write: MongoDB's duplicate-key error 11000 (the loser of a unique
 * insert). FerretDB 1.x answers an *update* that breaks a unique index with code 1 and SQLite's
 * "UNIQUE constraint failed" instead, so that counts too.
 */
export function isDuplicateKeyError(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  if ('code' in error && (error as { code: unknown }).code === 11000) return true;
  return error instanceof Error && error.message.includes('UNIQUE constraint failed');
}
