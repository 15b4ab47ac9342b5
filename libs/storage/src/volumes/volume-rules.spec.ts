import * as fc from 'fast-check';
import { isVolumeName, labelProblems, planVolume, resizeVerdict, type VolumePlanRequest } from './volume-rules';

describe('volume names', () => {
  it.each(['data', 'a', 'pg-data-1', `a${'b'.repeat(62)}`])('accepts %s', (name) => {
    expect(isVolumeName(name)).toBe(true);
  });

  it.each(['', '1data', 'Data', 'data-', '-data', 'da_ta', 'da.ta', `a${'b'.repeat(63)}`, 'dätä'])('refuses %j', (name) => {
    expect(isVolumeName(name)).toBe(false);
  });
});

describe('labels', () => {
  it('accepts string values under well-formed keys', () => {
    expect(labelProblems({ env: 'prod', 'app.kubernetes.io/name': 'db', empty: '' })).toEqual([]);
  });

  it('names the problem without quoting values', () => {
    expect(labelProblems({ Env: 'x' })).toEqual([expect.objectContaining({ code: 'invalid_key' })]);
    expect(labelProblems({ env: 42 })).toEqual([expect.objectContaining({ field: 'labels.env', code: 'invalid_value' })]);
    expect(labelProblems({ env: 'x'.repeat(256) })).toEqual([expect.objectContaining({ code: 'invalid_value' })]);
    expect(labelProblems(['a'])).toEqual([expect.objectContaining({ field: 'labels' })]);
    expect(labelProblems(Object.fromEntries(Array.from({ length: 65 }, (_, i) => [`k${i}`, 'v'])))).toEqual([
      expect.objectContaining({ code: 'too_many' }),
    ]);
  });
});

describe('resizeVerdict', () => {
  it('only ever lets a volume grow', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 65536 }), fc.integer({ min: 1, max: 65536 }), (current, requested) => {
        const verdict = resizeVerdict(current, requested);
        expect(verdict === 'shrink').toBe(requested < current);
        expect(verdict === 'grow').toBe(requested > current);
      }),
    );
  });
});

describe('planVolume', () => {
  const base: VolumePlanRequest = { provider: 'statemesh', sizeGib: 10, hasS3Settings: false, sourceKind: 'empty' };

  it('makes empty volumes available at once, with 3 replicas on the platform', () => {
    expect(planVolume(base)).toEqual({ ok: true, sizeGib: 10, replicas: 3, nodeId: null, status: 'available' });
    expect(planVolume({ ...base, replicas: 2 })).toMatchObject({ ok: true, replicas: 2 });
    expect(planVolume({ ...base, provider: 'local' })).toEqual({ ok: true, sizeGib: 10, replicas: null, nodeId: null, status: 'available' });
    expect(planVolume({ ...base, provider: 's3', hasS3Settings: true })).toMatchObject({ ok: true, replicas: null, status: 'available' });
  });

  it('starts volumes an agent must fill as creating', () => {
    expect(planVolume({ ...base, sourceKind: 'url' })).toMatchObject({ ok: true, status: 'creating' });
    expect(planVolume({ ...base, sourceKind: 'image' }, { minSizeGib: 5 })).toMatchObject({ ok: true, status: 'creating' });
    expect(planVolume({ ...base, provider: 'local', sourceKind: 'snapshot' }, { minSizeGib: 5, snapshotLocation: 'platform' })).toMatchObject({
      ok: true,
      status: 'creating',
    });
  });

  it('restores a platform snapshot into platform storage at once (copy-on-write), at its size by default', () => {
    expect(planVolume({ ...base, sizeGib: undefined, sourceKind: 'snapshot' }, { minSizeGib: 7, snapshotLocation: 'platform' })).toEqual({
      ok: true,
      sizeGib: 7,
      replicas: 3,
      nodeId: null,
      status: 'available',
    });
  });

  it('restores a node snapshot only into a local volume on that node', () => {
    const facts = { minSizeGib: 5, snapshotLocation: 'node', snapshotNodeId: 'node-a' } as const;
    expect(planVolume({ ...base, sourceKind: 'snapshot' }, facts)).toMatchObject({ ok: false, code: 'volume.source_not_supported' });
    expect(planVolume({ ...base, provider: 'local', sourceKind: 'snapshot' }, facts)).toMatchObject({ ok: true, nodeId: 'node-a' });
    expect(planVolume({ ...base, provider: 'local', nodeId: 'node-b', sourceKind: 'snapshot' }, facts)).toMatchObject({
      ok: false,
      code: 'volume.source_not_supported',
    });
  });

  it('refuses settings of another provider', () => {
    expect(planVolume({ ...base, provider: 'local', replicas: 3 })).toMatchObject({ ok: false, code: 'volume.invalid_provider_settings' });
    expect(planVolume({ ...base, nodeId: 'n' })).toMatchObject({ ok: false, code: 'volume.invalid_provider_settings' });
    expect(planVolume({ ...base, hasS3Settings: true })).toMatchObject({ ok: false, code: 'volume.invalid_provider_settings' });
    expect(planVolume({ ...base, provider: 's3' })).toMatchObject({ ok: false, code: 'volume.invalid_provider_settings' });
    expect(planVolume({ ...base, provider: 's3', hasS3Settings: true, sourceKind: 'url' })).toMatchObject({
      ok: false,
      code: 'volume.source_not_supported',
    });
  });

  it('needs a size it can derive and never one smaller than the source', () => {
    expect(planVolume({ ...base, sizeGib: undefined })).toMatchObject({ ok: false, code: 'request.invalid', errors: [{ field: 'sizeGib' }] });
    expect(planVolume({ ...base, sizeGib: undefined, sourceKind: 'url' })).toMatchObject({ ok: false, code: 'request.invalid' });
    expect(planVolume({ ...base, sizeGib: 4, sourceKind: 'image' }, { minSizeGib: 5 })).toMatchObject({ ok: false, code: 'volume.size_too_small' });
  });

  it('never plans a volume smaller than its source, whatever it is asked', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('statemesh', 'local', 's3' as const),
        fc.constantFrom('empty', 'image', 'snapshot', 'url' as const),
        fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
        fc.option(fc.integer({ min: 1, max: 1000 }), { nil: undefined }),
        (provider, sourceKind, sizeGib, minSizeGib) => {
          const result = planVolume(
            { provider, sourceKind, sizeGib, hasS3Settings: provider === 's3' },
            { minSizeGib, snapshotLocation: sourceKind === 'snapshot' ? 'platform' : undefined },
          );
          if (result.ok) {
            expect(result.sizeGib).toBeGreaterThanOrEqual(minSizeGib ?? 1);
            expect(result.status === 'available').toBe(sourceKind === 'empty' || (sourceKind === 'snapshot' && provider === 'statemesh'));
          }
        },
      ),
    );
  });
});
