// The pipeline's sessions under one lifetime policy: made on first use, released after each phase or kept to the end.

export type NetworkPart = 'text_encoder' | 'unet' | 'vae';

/** 'per-phase': release when the phase ends (one network resident at a time); 'keep': hold until releaseAll(). */
export type SessionPolicy = 'per-phase' | 'keep';

interface Releasable {
  release(): Promise<void>;
}

export class SessionPool {
  /** Sessions created so far, per network. */
  readonly created: Record<NetworkPart, number> = { text_encoder: 0, unet: 0, vae: 0 };
  private readonly held = new Map<string, Promise<Releasable>>();

  constructor(readonly policy: SessionPolicy) {}

  /** Runs `phase` on the part's session, creating it with `load` when none is held under `key` (another graph of a part: its own key). */
  async use<R extends Releasable, T>(part: NetworkPart, load: () => Promise<R>, phase: (runner: R) => Promise<T>, key: string = part): Promise<T> {
    let runner = this.held.get(key) as Promise<R> | undefined;
    if (!runner) {
      runner = load();
      this.created[part] += 1;
      this.held.set(key, runner);
      runner.catch(() => this.held.delete(key)); // a failed load is not kept: the next use tries again
    }
    const r = await runner;
    try {
      return await phase(r);
    } finally {
      if (this.policy === 'per-phase') {
        this.held.delete(key);
        await r.release(); // freed before the next network loads
      }
    }
  }

  async releaseAll(): Promise<void> {
    const held = [...this.held.values()];
    this.held.clear();
    await Promise.all(held.map(async (p) => (await p.catch(() => undefined))?.release()));
  }
}
