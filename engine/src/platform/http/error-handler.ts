import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../logger/logger.js';
import { AppError } from '../errors/app-error.js';
import { isOutageError } from '../errors/outage.js';

interface BodyParserError {
  type: string;
  status?: number;
}

function isBodyParserError(error: unknown): error is BodyParserError {
  return typeof error === 'object' && error !== null && 'type' in error && typeof (error as BodyParserError).type === 'string';
}

/** Maps anything thrown to the one error model; unknown errors are logged and answered 500. */
export function errorHandler(logger: Logger): ErrorRequestHandler {
  return (error: unknown, req, res, _next) => {
    const appError = toAppError(error);
    if (appError.code === 'UNAVAILABLE' && isOutageError(error)) {
      // The dependency's own outage is logged once by its client; one line per request is enough here.
      logger.warn({ reqId: req.id, reason: error instanceof Error ? error.message : String(error) }, 'request answered 503: a dependency is away');
    } else if (appError.status >= 500 && appError.code !== 'UNAVAILABLE') {
      logger.error({ err: error, reqId: req.id, tenantId: req.auth?.tenant?.id }, 'request failed');
    }
    if ((appError.code === 'RATE_LIMITED' || appError.code === 'UNAVAILABLE') && appError.details?.retryAfterSeconds) {
      res.setHeader('Retry-After', String(appError.details.retryAfterSeconds));
    }
    res.status(appError.status).json(appError.toBody());
  };
}

function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  // The router could not decode a path parameter ("%ZZ"): the address itself is malformed.
  if (error instanceof URIError) {
    return AppError.validation([{ field: 'params', message: 'The address holds a malformed percent escape' }]);
  }
  if (isBodyParserError(error)) {
    if (error.type === 'entity.parse.failed') return new AppError('MALFORMED_JSON', 'The body is not valid JSON');
    if (error.type === 'entity.too.large') return new AppError('PAYLOAD_TOO_LARGE', 'The body is too large');
    if (error.type === 'charset.unsupported' || error.type === 'encoding.unsupported') {
      return new AppError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as UTF-8 JSON');
    }
  }
  if (isOutageError(error)) {
    return new AppError('UNAVAILABLE', 'Parley cannot reach one of its services right now; try again in a few seconds', { retryAfterSeconds: 5 });
  }
  return new AppError('INTERNAL', 'Something went wrong on our side; it has been logged');
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new AppError('NOT_FOUND', `No route for ${req.method} ${req.path}`));
};
