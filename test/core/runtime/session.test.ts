// onnxruntime session options: threads, and spinning off for sessions that alternate with another (DeepCache's shallow graph).
import { describe, expect, it } from 'vitest';
import { sessionOptions } from '../../../core/runtime/session.js';

describe('sessionOptions', () => {
  it.each([
    [true, undefined],
    [false, { allow_spinning: '0' }],
  ] as const)('spinning %s: intra_op %j (onnxruntime spins unless told not to)', (spinning, intraOp) => {
    const o = sessionOptions('cpu', 2, spinning);
    expect(o.intraOpNumThreads).toBe(2);
    const session = (o.extra as { session: Record<string, unknown> }).session;
    expect(session.disable_prepacking).toBe('1');
    expect(session.intra_op).toEqual(intraOp);
  });
  it('spins by default', () => {
    expect((sessionOptions('cpu', 1).extra as { session: Record<string, unknown> }).session.intra_op).toBeUndefined();
  });
});
