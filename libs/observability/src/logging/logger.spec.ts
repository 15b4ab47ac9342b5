import { Writable } from 'node:stream';
import { createLogger } from './logger';

function capture() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger({ log: { level: 'trace' } }, 'test', destination), lines };
}

describe('createLogger', () => {
  it('redacts credentials and secret values wherever they appear one level deep', () => {
    const { logger, lines } = capture();
    logger.info(
      {
        value: 's3cr3t-value-top',
        body: { name: 'db-password', value: 's3cr3t-value-body' },
        secret: { value: 's3cr3t-value-nested' },
        password: 'correct-horse-1',
        headers: { authorization: 'Bearer smk_x' },
      },
      'request',
    );
    const line = lines.join('');
    expect(line).not.toContain('s3cr3t-value');
    expect(line).not.toContain('correct-horse');
    expect(line).not.toContain('smk_x');
    expect(JSON.parse(line)).toMatchObject({ value: '[redacted]', body: { name: 'db-password', value: '[redacted]' } });
  });
});
