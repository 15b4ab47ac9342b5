import fc from 'fast-check';
import { JAIL_REASONS, NODE_STATUSES, type NodeStatus } from '../node-model';
import { expectedProofs, judgeEpoch, proofShare, type EpochEvidence, type EpochRules, type NodeStanding } from './epoch-rules';

const rules: EpochRules = { epochsToActivate: 3, activeProofThreshold: 0.8, jailEpochs: 2, absenceEpochsToJail: 3 };
const EPOCH = 100;

function standing(overrides: Partial<NodeStanding> = {}): NodeStanding {
  return {
    status: 'candidate',
    eligible: false,
    goodEpochs: 0,
    absentEpochs: 0,
    jailedUntilEpoch: null,
    jailReason: null,
    lastActiveEpoch: null,
    ...overrides,
  };
}

function evidence(overrides: Partial<EpochEvidence> = {}): EpochEvidence {
  return { expectedProofs: 10, validProofs: 10, invalidProofs: 0, reachable: true, decommissionRequested: false, hasAllocations: false, ...overrides };
}

const good = evidence();
const bad = evidence({ validProofs: 7 });
const silent = evidence({ validProofs: 0, reachable: false });

describe('proofShare and expectedProofs', () => {
  it('caps the share at 1 and never divides by zero', () => {
    expect(proofShare(5, 10)).toBe(0.5);
    expect(proofShare(12, 10)).toBe(1);
    expect(proofShare(1, 0)).toBe(1);
    expect(proofShare(0, 0)).toBe(0);
  });

  it('owes one proof per interval of the epoch, pro rata for a node registered during it, at least one', () => {
    const epoch = { startsAt: new Date(0), endsAt: new Date(2_000) };
    expect(expectedProofs(epoch, new Date(-5_000), 0.25)).toBe(8);
    expect(expectedProofs(epoch, new Date(1_000), 0.25)).toBe(4);
    expect(expectedProofs(epoch, new Date(1_990), 0.25)).toBe(1);
    expect(expectedProofs({ startsAt: new Date(0), endsAt: new Date(600_000) }, new Date(0), 60)).toBe(10);
  });
});

describe('judgeEpoch: candidates', () => {
  it('counts good epochs and activates after K of them in a row', () => {
    let current = standing();
    const transitions: string[] = [];
    for (let i = 0; i < 3; i++) {
      const verdict = judgeEpoch(EPOCH + i, current, good, rules);
      transitions.push(verdict.transition);
      current = verdict.standing;
    }
    expect(transitions).toEqual(['progressed', 'progressed', 'promoted']);
    expect(current).toMatchObject({ status: 'active', eligible: true, goodEpochs: 3, lastActiveEpoch: EPOCH + 2 });
  });

  it('starts over after a bad epoch', () => {
    const verdict = judgeEpoch(EPOCH, standing({ goodEpochs: 2 }), bad, rules);
    expect(verdict).toMatchObject({ good: false, transition: 'reset', standing: { status: 'candidate', goodEpochs: 0, eligible: false } });
  });

  it('activates at once when K is 1', () => {
    const verdict = judgeEpoch(EPOCH, standing(), good, { ...rules, epochsToActivate: 1 });
    expect(verdict.standing).toMatchObject({ status: 'active', eligible: true });
  });

  it('treats the threshold as inclusive', () => {
    expect(judgeEpoch(EPOCH, standing(), evidence({ validProofs: 8 }), rules).good).toBe(true);
    expect(judgeEpoch(EPOCH, standing(), evidence({ validProofs: 7 }), rules).good).toBe(false);
  });

  it('is not jailed for absence before it ever held trust', () => {
    const verdict = judgeEpoch(EPOCH, standing({ status: 'unreachable', absentEpochs: 10 }), silent, rules);
    expect(verdict.standing).toMatchObject({ status: 'unreachable', absentEpochs: 11 });
  });
});

describe('judgeEpoch: active and standby nodes', () => {
  const active = standing({ status: 'active', eligible: true, goodEpochs: 5, lastActiveEpoch: EPOCH - 1 });

  it('stays active and eligible after a good epoch', () => {
    const verdict = judgeEpoch(EPOCH, active, good, rules);
    expect(verdict).toMatchObject({ transition: 'unchanged', standing: { status: 'active', eligible: true, goodEpochs: 6, lastActiveEpoch: EPOCH } });
  });

  it('is demoted to standby below the threshold, and loses eligibility', () => {
    const verdict = judgeEpoch(EPOCH, active, bad, rules);
    expect(verdict).toMatchObject({ transition: 'demoted', share: 0.7, standing: { status: 'standby', eligible: false, lastActiveEpoch: EPOCH - 1 } });
  });

  it('recovers from standby after one good epoch', () => {
    const verdict = judgeEpoch(EPOCH, standing({ status: 'standby', lastActiveEpoch: EPOCH - 1 }), good, rules);
    expect(verdict).toMatchObject({ transition: 'recovered', standing: { status: 'active', eligible: true } });
  });

  it('stays on standby while its epochs stay bad', () => {
    const verdict = judgeEpoch(EPOCH, standing({ status: 'standby', lastActiveEpoch: EPOCH - 3 }), bad, rules);
    expect(verdict).toMatchObject({ transition: 'unchanged', standing: { status: 'standby', eligible: false } });
  });

  it('becomes unreachable when silent at the boundary, even if it proved', () => {
    const verdict = judgeEpoch(EPOCH, active, evidence({ reachable: false }), rules);
    expect(verdict).toMatchObject({ transition: 'unreachable', standing: { status: 'unreachable', eligible: false, goodEpochs: 0 } });
  });
});

describe('judgeEpoch: jail', () => {
  it('jails for J epochs on any invalid proof, whatever the share', () => {
    for (const status of ['candidate', 'active', 'standby', 'unreachable'] as const) {
      const verdict = judgeEpoch(EPOCH, standing({ status, lastActiveEpoch: 1 }), evidence({ invalidProofs: 1 }), rules);
      expect(verdict).toMatchObject({
        good: false,
        transition: 'jailed',
        standing: { status: 'jailed', eligible: false, jailReason: 'invalid_proofs', jailedUntilEpoch: EPOCH + 2, goodEpochs: 0 },
      });
    }
  });

  it('restarts the term on a new offence while jailed', () => {
    const jailed = standing({ status: 'jailed', jailReason: 'absence', jailedUntilEpoch: EPOCH + 1 });
    expect(judgeEpoch(EPOCH, jailed, evidence({ invalidProofs: 2 }), rules).standing).toMatchObject({
      jailReason: 'invalid_proofs',
      jailedUntilEpoch: EPOCH + 2,
    });
  });

  it('keeps a node jailed through the last epoch of its term, then releases it to candidate', () => {
    const jailed = standing({ status: 'jailed', jailReason: 'invalid_proofs', jailedUntilEpoch: EPOCH + 1 });
    expect(judgeEpoch(EPOCH, jailed, good, rules).standing.status).toBe('jailed');
    const released = judgeEpoch(EPOCH + 1, jailed, good, rules);
    expect(released).toMatchObject({
      transition: 'released',
      standing: { status: 'candidate', eligible: false, goodEpochs: 0, jailReason: null, jailedUntilEpoch: null },
    });
  });

  it('releases a silent node as unreachable', () => {
    const jailed = standing({ status: 'jailed', jailReason: 'absence', jailedUntilEpoch: EPOCH });
    expect(judgeEpoch(EPOCH, jailed, silent, rules)).toMatchObject({ transition: 'released', standing: { status: 'unreachable', jailReason: null } });
  });

  it('jails a node that held trust after long absence, counting epochs without a valid proof', () => {
    let current = standing({ status: 'active', eligible: true, lastActiveEpoch: EPOCH - 1 });
    const statuses: NodeStatus[] = [];
    for (let i = 0; i < 3; i++) {
      current = judgeEpoch(EPOCH + i, current, silent, rules).standing;
      statuses.push(current.status);
    }
    expect(statuses).toEqual(['unreachable', 'unreachable', 'jailed']);
    expect(current).toMatchObject({ jailReason: 'absence', jailedUntilEpoch: EPOCH + 2 + 2, absentEpochs: 0 });
  });

  it('counts a reachable node that sends no proofs as absent too', () => {
    const standby = standing({ status: 'standby', absentEpochs: 2, lastActiveEpoch: EPOCH - 5 });
    expect(judgeEpoch(EPOCH, standby, evidence({ validProofs: 0 }), rules).standing).toMatchObject({ status: 'jailed', jailReason: 'absence' });
  });

  it('keeps an admin jail until an admin lifts it, offences and terms notwithstanding', () => {
    const jailed = standing({ status: 'jailed', jailReason: 'admin', jailedUntilEpoch: null });
    for (const proofs of [good, bad, silent, evidence({ invalidProofs: 3 })]) {
      expect(judgeEpoch(EPOCH, jailed, proofs, rules)).toMatchObject({
        transition: 'unchanged',
        standing: { status: 'jailed', jailReason: 'admin', jailedUntilEpoch: null, eligible: false },
      });
    }
  });
});

describe('judgeEpoch: decommissioning', () => {
  it('decommissions a draining node once nothing runs on it', () => {
    const verdict = judgeEpoch(EPOCH, standing({ status: 'draining' }), evidence({ decommissionRequested: true }), rules);
    expect(verdict).toMatchObject({ transition: 'decommissioned', standing: { status: 'decommissioned', eligible: false } });
  });

  it('keeps a node with VMs draining (or unreachable) and never eligible', () => {
    const drain = evidence({ decommissionRequested: true, hasAllocations: true });
    expect(judgeEpoch(EPOCH, standing({ status: 'draining' }), drain, rules).standing).toMatchObject({ status: 'draining', eligible: false });
    expect(judgeEpoch(EPOCH, standing({ status: 'draining' }), { ...drain, reachable: false }, rules).standing.status).toBe('unreachable');
    expect(judgeEpoch(EPOCH, standing({ status: 'unreachable' }), drain, rules).transition).toBe('draining');
  });

  it('never brings a decommissioned node back', () => {
    const gone = standing({ status: 'decommissioned' });
    expect(judgeEpoch(EPOCH, gone, good, rules)).toMatchObject({ transition: 'unchanged', standing: { status: 'decommissioned', eligible: false } });
  });
});

describe('judgeEpoch: properties', () => {
  const standingArb = fc.record({
    status: fc.constantFrom(...NODE_STATUSES),
    eligible: fc.boolean(),
    goodEpochs: fc.nat(10),
    absentEpochs: fc.nat(10),
    jailedUntilEpoch: fc.option(fc.integer({ min: EPOCH - 5, max: EPOCH + 5 })),
    jailReason: fc.option(fc.constantFrom(...JAIL_REASONS)),
    lastActiveEpoch: fc.option(fc.integer({ min: 0, max: EPOCH - 1 })),
  });
  const evidenceArb = fc.record({
    expectedProofs: fc.integer({ min: 1, max: 20 }),
    validProofs: fc.nat(25),
    invalidProofs: fc.oneof(fc.constant(0), fc.nat(3)),
    reachable: fc.boolean(),
    decommissionRequested: fc.boolean(),
    hasAllocations: fc.boolean(),
  });
  const rulesArb = fc.record({
    epochsToActivate: fc.integer({ min: 1, max: 5 }),
    activeProofThreshold: fc.double({ min: 0.01, max: 1, noNaN: true }),
    jailEpochs: fc.integer({ min: 1, max: 5 }),
    absenceEpochsToJail: fc.integer({ min: 1, max: 5 }),
  });

  it('makes exactly the active nodes eligible', () => {
    fc.assert(
      fc.property(standingArb, evidenceArb, rulesArb, (current, proofs, someRules) => {
        const { standing: next } = judgeEpoch(EPOCH, current, proofs, someRules);
        expect(next.eligible).toBe(next.status === 'active');
      }),
    );
  });

  it('grants eligibility only for a good epoch of a reachable node that is not leaving', () => {
    fc.assert(
      fc.property(standingArb, evidenceArb, rulesArb, (current, proofs, someRules) => {
        const verdict = judgeEpoch(EPOCH, current, proofs, someRules);
        if (verdict.standing.eligible) {
          expect(verdict.good).toBe(true);
          expect(proofs.reachable).toBe(true);
          expect(proofs.decommissionRequested).toBe(false);
          expect(proofs.invalidProofs).toBe(0);
          expect(['candidate', 'active', 'standby']).toContain(current.status);
          if (current.status === 'candidate') expect(verdict.standing.goodEpochs).toBeGreaterThanOrEqual(someRules.epochsToActivate);
        }
      }),
    );
  });

  it('jails automatically for exactly J epochs from the boundary', () => {
    fc.assert(
      fc.property(standingArb, evidenceArb, rulesArb, (current, proofs, someRules) => {
        const verdict = judgeEpoch(EPOCH, current, proofs, someRules);
        if (verdict.transition === 'jailed') {
          expect(verdict.standing.jailedUntilEpoch).toBe(EPOCH + someRules.jailEpochs);
          expect(verdict.standing.jailReason).not.toBe('admin');
        }
        if (verdict.standing.status !== 'jailed') expect(verdict.standing.jailReason).toBeNull();
      }),
    );
  });

  it('keeps decommissioned final', () => {
    fc.assert(
      fc.property(standingArb, evidenceArb, rulesArb, (current, proofs, someRules) => {
        const verdict = judgeEpoch(EPOCH, { ...current, status: 'decommissioned' }, proofs, someRules);
        expect(verdict.standing.status).toBe('decommissioned');
      }),
    );
  });
});
