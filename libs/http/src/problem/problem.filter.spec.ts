import { BadRequestException, HttpException, NotFoundException, UnauthorizedException } from '@nestjs/common';
import { CommonErrors, DomainError, defineErrors } from '@statemesh/common';
import { Prisma } from '@statemesh/database';
import { ProblemFilter } from './problem.filter';

function hostFor(url = '/v1/things?x=1') {
  const sent: { status?: number; headers: Record<string, string>; body?: string } = { headers: {} };
  const reply = {
    sent: false,
    status(code: number) {
      sent.status = code;
      return reply;
    },
    header(name: string, value: string) {
      sent.headers[name] = value;
      return reply;
    },
    send(body: string) {
      sent.body = body;
      return reply;
    },
  };
  const request = { url, method: 'GET', id: 'req-1', routeOptions: { url: '/v1/things' } };
  const host = { switchToHttp: () => ({ getRequest: () => request, getResponse: () => reply }) };
  return { host: host as never, sent, problem: () => JSON.parse(sent.body!) };
}

describe('ProblemFilter', () => {
  const filter = new ProblemFilter();
  const TestErrors = defineErrors({ 'vm.name_taken': { status: 409, title: 'VM name taken' } });

  it('maps a domain error by its code, with extensions and field errors', () => {
    const { host, sent, problem } = hostFor();
    filter.catch(new DomainError(TestErrors['vm.name_taken'], 'A VM named web exists.', { current: 'running' }), host);
    expect(sent.status).toBe(409);
    expect(sent.headers['content-type']).toBe('application/problem+json');
    expect(problem()).toEqual({
      type: 'https://statemesh.net/problems/vm.name_taken',
      title: 'VM name taken',
      status: 409,
      detail: 'A VM named web exists.',
      instance: '/v1/things',
      code: 'vm.name_taken',
      requestId: 'req-1',
      current: 'running',
    });
  });

  it('answers 503 with Retry-After when the database was too busy to finish the request', () => {
    const { host, sent, problem } = hostFor();
    const busy = new Prisma.PrismaClientKnownRequestError('Transaction API error: Unable to start a transaction in the given time.', { code: 'P2028', clientVersion: 'test' });
    filter.catch(busy, host);
    expect(sent.status).toBe(503);
    expect(sent.headers['retry-after']).toBe('1');
    expect(problem()).toMatchObject({ code: 'service.unavailable', status: 503 });
    expect(problem().errorId).toBeUndefined();
  });

  it('turns unknown errors into a 500 with an errorId and no internals', () => {
    const { host, sent, problem } = hostFor();
    filter.catch(new Error('connection string postgresql://user:pw@db leaked'), host);
    expect(sent.status).toBe(500);
    expect(problem()).toMatchObject({ code: 'internal', status: 500, errorId: expect.stringMatching(/^[0-9a-z]{18}$/) });
    expect(sent.body).not.toContain('postgresql');
    expect(sent.body).not.toContain('stack');
    expect(problem().detail).toContain(problem().errorId);
  });

  it.each([
    [new UnauthorizedException(), 401, 'auth.unauthenticated'],
    [new NotFoundException('Cannot GET /x'), 404, 'route.not_found'],
    [new BadRequestException('bad'), 400, 'request.validation_failed'],
    [new HttpException('Gone', 410), 410, 'request.invalid'],
    [new HttpException('x', 413, { cause: Object.assign(new Error('too big'), { code: 'FST_ERR_CTP_BODY_TOO_LARGE' }) }), 413, 'request.payload_too_large'],
    [new HttpException('x', 400, { cause: Object.assign(new Error('bad json'), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' }) }), 400, 'request.malformed_json'],
  ])('maps framework errors (%#)', (exception, status, code) => {
    const { host, sent, problem } = hostFor();
    filter.catch(exception, host);
    expect(sent.status).toBe(status);
    expect(problem()).toMatchObject({ status, code });
  });

  it('never quotes a malformed body back, only where it broke', () => {
    const parse = (text: string): Error => {
      try {
        JSON.parse(text);
      } catch (error) {
        return error as Error;
      }
      throw new Error('expected a parse error');
    };
    for (const body of ['{"value": s3cr3t-value-x}', 's3cr3t-value-x', '{"name":"db","value":"s3cr3t-value-x",}']) {
      const cause = Object.assign(parse(body), { code: 'FST_ERR_CTP_INVALID_JSON_BODY' });
      const { host, sent, problem } = hostFor();
      filter.catch(new HttpException(cause.message, 400, { cause }), host);
      expect(problem()).toMatchObject({ status: 400, code: 'request.malformed_json', detail: expect.stringMatching(/^The request body is not valid JSON/) });
      expect(sent.body).not.toContain('s3cr3t');
    }
  });

  it('declares a status for every common code', () => {
    for (const error of Object.values(CommonErrors)) {
      expect(error.status).toBeGreaterThanOrEqual(400);
      expect(error.title.length).toBeGreaterThan(0);
    }
  });
});
