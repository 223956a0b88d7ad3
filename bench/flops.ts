// FLOPs of one UNet3DConditionModel call, counted from the config: 2 x MACs of convolutions, linear layers and attention matmuls.
import type { Unet3dConfig } from '../models/configs/unet3d.js';

export interface StepShape {
  readonly batch: number;
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  /** Text context length (77 for CLIP). */
  readonly context: number;
}

export interface FlopCount {
  conv: number;
  linear: number;
  attention: number;
  readonly total: number;
}

/** `shallowBranch` set: only DeepCache's shallow graph for that branch (models/networks/unet3d.ts `DeepCacheBuild`). */
export function unet3dFlops(cfg: Unet3dConfig, s: StepShape, shallowBranch?: number): FlopCount {
  const shallow = shallowBranch !== undefined;
  const entry = cfg.layersPerBlock - (shallowBranch ?? 0);
  const c = { conv: 0, linear: 0, attention: 0 };
  const N = s.batch * s.frames;
  const temb = cfg.blockOutChannels[0]! * 4;
  const conv = (cin: number, cout: number, k: number, pixels: number): void => {
    c.conv += 2 * N * pixels * cin * cout * k;
  };
  const linear = (rows: number, inD: number, outD: number): void => {
    c.linear += 2 * rows * inD * outD;
  };
  const attn = (sequences: number, q: number, kv: number, inner: number): void => {
    c.attention += 4 * sequences * q * kv * inner;
  };

  const resnet = (cin: number, cout: number, px: number): void => {
    conv(cin, cout, 9, px);
    linear(N, temb, cout);
    conv(cout, cout, 9, px);
    if (cin !== cout) conv(cin, cout, 1, px);
  };
  const tempConv = (ch: number, px: number): void => {
    for (let i = 0; i < 4; i++) conv(ch, ch, 3, px);
  };
  const ff = (rows: number, dim: number): void => {
    linear(rows, dim, dim * 8);
    linear(rows, dim * 4, dim);
  };
  const temporal = (ch: number, inner: number, px: number): void => {
    const rows = N * px;
    linear(rows, ch, inner);
    for (let a = 0; a < 2; a++) {
      linear(rows, inner, inner * 3);
      linear(rows, inner, inner);
      attn(s.batch * px, s.frames, s.frames, inner);
    }
    ff(rows, inner);
    linear(rows, inner, ch);
  };
  const spatial = (ch: number, px: number): void => {
    const rows = N * px;
    linear(rows, ch, ch);
    linear(rows, ch, ch * 3);
    linear(rows, ch, ch);
    attn(N, px, px, ch);
    linear(rows, ch, ch);
    linear(N * s.context, cfg.crossAttentionDim, ch * 2);
    linear(rows, ch, ch);
    attn(N, px, s.context, ch);
    ff(rows, ch);
    linear(rows, ch, ch);
  };

  const n = cfg.blockOutChannels.length;
  const c0 = cfg.blockOutChannels[0]!;
  let h = s.height;
  let w = s.width;
  const sizes: [number, number][] = [];
  linear(s.batch, c0, temb);
  linear(s.batch, temb, temb);
  conv(cfg.inChannels, c0, 9, h * w);
  temporal(c0, 8 * cfg.attentionHeadDim, h * w);
  let cin = c0;
  for (let i = 0; i < (shallow ? 1 : n); i++) {
    const cout = cfg.blockOutChannels[i]!;
    sizes.push([h, w]);
    for (let j = 0; j < (shallow ? shallowBranch : cfg.layersPerBlock); j++) {
      resnet(j === 0 ? cin : cout, cout, h * w);
      tempConv(cout, h * w);
      if (cfg.downBlockTypes[i] === 'CrossAttnDownBlock3D') {
        spatial(cout, h * w);
        temporal(cout, cout, h * w);
      }
    }
    if (i < n - 1 && !shallow) {
      h = Math.floor((h + 2 * cfg.downsamplePadding - 3) / 2) + 1;
      w = Math.floor((w + 2 * cfg.downsamplePadding - 3) / 2) + 1;
      conv(cout, cout, 9, h * w);
    }
    cin = cout;
  }
  const cm = cfg.blockOutChannels[n - 1]!;
  if (!shallow) {
    resnet(cm, cm, h * w);
    tempConv(cm, h * w);
    spatial(cm, h * w);
    temporal(cm, cm, h * w);
    resnet(cm, cm, h * w);
    tempConv(cm, h * w);
  }
  const rev = [...cfg.blockOutChannels].reverse();
  const skipCh: number[] = [c0];
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < cfg.layersPerBlock; j++) skipCh.push(cfg.blockOutChannels[i]!);
    if (i < n - 1) skipCh.push(cfg.blockOutChannels[i]!);
  }
  // the shallow graph keeps only the skips of its tail: conv_in's and those of its down_blocks[0] layers
  if (shallow) skipCh.splice(shallowBranch + 1);
  let prev = shallow ? (rev[n - 2] ?? rev[0]!) : rev[0]!;
  for (let i = shallow ? n - 1 : 0; i < n; i++) {
    const cout = rev[i]!;
    for (let j = shallow ? entry : 0; j < cfg.layersPerBlock + 1; j++) {
      resnet((j === 0 ? prev : cout) + skipCh.pop()!, cout, h * w);
      tempConv(cout, h * w);
      if (cfg.upBlockTypes[i] === 'CrossAttnUpBlock3D') {
        spatial(cout, h * w);
        temporal(cout, cout, h * w);
      }
    }
    if (i < n - 1) {
      [h, w] = sizes[n - 2 - i]!;
      conv(cout, cout, 9, h * w);
    }
    prev = cout;
  }
  conv(c0, cfg.outChannels, 9, h * w);
  return { ...c, total: c.conv + c.linear + c.attention };
}
