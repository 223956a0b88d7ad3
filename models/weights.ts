// The weights of one model part: a single safetensors file or a sharded checkpoint, fp32 or the fp16 variant.
import { basename, dirname, join } from 'node:path';
import { T2vError } from '../core/errors.js';
import { asObject, readJsonFile } from './json.js';
import { isFile, SafetensorsFile, type TensorInfo } from './safetensors.js';

/** `diffusion_pytorch_model` for diffusers parts, `model` for transformers parts. */
export type WeightsStem = 'diffusion_pytorch_model' | 'model';

export interface WeightsOptions {
  /** `fp16` selects `<stem>.fp16.safetensors` as diffusers' `variant="fp16"` does. */
  readonly variant?: 'fp16';
}

/** Candidate file names for a part, most specific first. */
export function weightFileCandidates(stem: WeightsStem, variant?: 'fp16'): string[] {
  const v = variant ? `.${variant}` : '';
  return [`${stem}${v}.safetensors`, `${stem}${v}.safetensors.index.json`];
}

/** All tensors of one model part, read tensor by tensor from one or more files. */
export class Weights {
  private constructor(
    readonly source: string,
    private readonly files: readonly SafetensorsFile[],
    private readonly byName: ReadonlyMap<string, SafetensorsFile>,
  ) {}

  /** Opens the weights of a part folder (`unet/`, `vae/`, `text_encoder/`). */
  static async openPart(dir: string, stem: WeightsStem, options: WeightsOptions = {}): Promise<Weights> {
    const variants = options.variant ? [options.variant] : [undefined, 'fp16' as const];
    for (const variant of variants) {
      for (const name of weightFileCandidates(stem, variant)) {
        const path = join(dir, name);
        if (!(await isFile(path))) continue;
        return name.endsWith('.index.json') ? Weights.openSharded(path) : Weights.openFile(path);
      }
    }
    const wanted = weightFileCandidates(stem, options.variant).join(' or ');
    const bin = join(dir, `${stem === 'model' ? 'pytorch_model' : stem}${options.variant ? `.${options.variant}` : ''}.bin`);
    if (await isFile(bin)) throw new T2vError(`${dir} has ${basename(bin)} but no safetensors; run \`t2v models convert ${dirname(dir)}\` once (tensors only, nothing in the pickle runs)`);
    throw new T2vError(`no weights in ${dir}: expected ${wanted}; download the model's .safetensors files, or run \`t2v models convert\` on a folder of .bin checkpoints`);
  }

  static async openFile(path: string): Promise<Weights> {
    const file = await SafetensorsFile.open(path);
    return new Weights(path, [file], new Map([...file.tensors.keys()].map((n) => [n, file])));
  }

  /** A `*.safetensors.index.json` whose `weight_map` names the shard of every tensor. */
  static async openSharded(indexPath: string): Promise<Weights> {
    const index = asObject(await readJsonFile(indexPath), indexPath);
    const map = asObject(index.weight_map, `${indexPath} weight_map`);
    const shards = new Map<string, SafetensorsFile>();
    const byName = new Map<string, SafetensorsFile>();
    try {
      for (const [tensor, shard] of Object.entries(map)) {
        if (typeof shard !== 'string') throw new T2vError(`${indexPath}: weight_map entry ${tensor} is not a file name`);
        let file = shards.get(shard);
        if (!file) {
          const shardPath = join(dirname(indexPath), shard);
          if (!(await isFile(shardPath))) throw new T2vError(`shard ${shardPath} named in ${indexPath} is missing; download it`);
          file = await SafetensorsFile.open(shardPath);
          shards.set(shard, file);
        }
        if (!file.has(tensor)) throw new T2vError(`${indexPath} puts ${tensor} in ${shard}, but that shard does not hold it`);
        byName.set(tensor, file);
      }
    } catch (e) {
      await Promise.all([...shards.values()].map((f) => f.close()));
      throw e;
    }
    return new Weights(indexPath, [...shards.values()], byName);
  }

  names(): string[] {
    return [...this.byName.keys()];
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  info(name: string): TensorInfo {
    return this.file(name).info(name);
  }

  async readFloat32(name: string): Promise<Float32Array> {
    return this.file(name).readFloat32(name);
  }

  /** Reads a tensor and checks its shape against what the config implies. */
  async readChecked(name: string, expectedShape: readonly number[]): Promise<Float32Array> {
    this.checkShape(name, expectedShape);
    return this.readFloat32(name);
  }

  /** The same as fp16 bits: an fp16 file's bytes as stored, others rounded (SafetensorsFile.readHalf). */
  async readHalfChecked(name: string, expectedShape: readonly number[]): Promise<Uint16Array> {
    this.checkShape(name, expectedShape);
    return this.file(name).readHalf(name);
  }

  private checkShape(name: string, expectedShape: readonly number[]): void {
    const shape = this.info(name).shape;
    if (shape.length !== expectedShape.length || shape.some((d, i) => d !== expectedShape[i])) {
      throw new T2vError(`tensor ${name} in ${this.source} has shape [${shape.join(', ')}] but the config implies [${expectedShape.join(', ')}]; the weights do not match config.json`);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }

  private file(name: string): SafetensorsFile {
    const f = this.byName.get(name);
    if (!f) throw new T2vError(`tensor ${name} is missing from ${this.source}; the weights do not match the model config`);
    return f;
  }
}
