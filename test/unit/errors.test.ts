import { describe, expect, it } from 'vitest';
import {
  apiErrorFrom,
  BadRequestError,
  ConflictError,
  DockerApiError,
  DockerError,
  ForbiddenError,
  NotFoundError,
  NotModifiedError,
  ServerError,
  ServiceUnavailableError,
  UnauthorizedError,
} from '../../src/errors.js';

const request = { method: 'GET', path: '/v1.41/containers/x/json' };
const context = { operation: 'ContainerInspect', apiVersion: '1.41' };

describe('apiErrorFrom', () => {
  it.each([
    [304, NotModifiedError],
    [400, BadRequestError],
    [401, UnauthorizedError],
    [403, ForbiddenError],
    [404, NotFoundError],
    [409, ConflictError],
    [500, ServerError],
    [503, ServiceUnavailableError],
  ])('maps %i to its own class', (status, ErrorClass) => {
    const error = apiErrorFrom(status, '{"message":"boom"}', request, context);
    expect(error).toBeInstanceOf(ErrorClass);
    expect(error).toBeInstanceOf(DockerApiError);
    expect(error).toBeInstanceOf(DockerError);
    expect(error.name).toBe(ErrorClass.name);
    expect(error.status).toBe(status);
  });

  it('keeps the engine message and the call that failed', () => {
    const error = apiErrorFrom(404, '{"message":"No such container: x"}', request, context);
    expect(error.message).toBe('No such container: x');
    expect(error).toMatchObject({ operation: 'ContainerInspect', apiVersion: '1.41', method: 'GET', path: request.path });
  });

  it('falls back to the base class for other statuses', () => {
    const error = apiErrorFrom(418, '{"message":"teapot"}', request, context);
    expect(error.constructor).toBe(DockerApiError);
    expect(error.status).toBe(418);
  });

  it('uses a plain-text body as the message, and says so when the body is empty', () => {
    expect(apiErrorFrom(502, 'Bad Gateway\n', request, context).message).toBe('Bad Gateway');
    expect(apiErrorFrom(500, '', request, context).message).toBe('HTTP 500 with an empty body');
    expect(apiErrorFrom(400, '{"error":"other shape"}', request, context).message).toBe('{"error":"other shape"}');
  });
});
