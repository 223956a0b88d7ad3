"""Direction learnability without diffusion: train the U-Net + text encoder to map (pure noise at t = 961, caption)
straight to the pool's mean latent clip for the caption's colour, direction and background.

Sampling's first step must draw that mean clip; here the target is fixed and noise-free, so a network that cannot
learn it in a few hundred steps will not learn it through the much noisier diffusion loss either.

  /usr/bin/python3 train/regress.py [--init CKPT] [--steps 500] [--lr 1e-3] [--input noise|zeros] [--target clip|first]
      [--save CKPT]

With --init a zero-terminal-SNR v-prediction checkpoint, the input is pure noise at t = 999 and the target is -x0 (v
there), which is that model's own diffusion objective at t = T with the mean clip as x0; --save then writes a checkpoint
that `fresh --init` and `sample.py --ckpt` read.
"""
import argparse
import itertools
import json
import os
import sys
import time

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import config as C  # noqa: E402
import data  # noqa: E402
import data_torch  # noqa: E402
from fresh import DEFAULT_VAE, load_pool, spec_means  # noqa: E402
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from parts import split_both, tokenizer  # noqa: E402

T_FIRST = 961  # ModelScope's first DDIM timestep at 25 steps
T_LAST = C.TRAIN_STEPS - 1  # trailing spacing's first timestep, where zero terminal SNR leaves pure noise
LONG = 2  # the long caption form's row in data_torch.caption_table


def mean_clips(pool, scaling, by_shape):
    """Mean scaled latent clip per (shape, colour, direction, background) of a loaded pool -> (3, 5, 4, 3, C, F, H, W),
    and the drawn (colour, direction, background) triples; without by_shape (or for a shape the pool never drew with
    that triple) a shape gets the mean over the three shapes."""
    means, counts = spec_means(pool)
    over_shapes = data_torch.weighted_mean(means, counts, 0).expand_as(means)
    if by_shape:
        drew = (counts > 0).view(counts.shape + (1,) * (means.dim() - counts.dim()))
        over_shapes = torch.where(drew, means, over_shapes)
    drawn = counts.sum(0) > 0
    triples = [(c, d, b) for c, d, b in itertools.product(*map(range, drawn.shape)) if drawn[c, d, b]]
    return over_shapes * scaling, triples


def batch(gen, n, triples, means, table):
    """Long captions of random triples and shapes -> (token ids, targets, (shape, colour, direction, bg) quads)."""
    pick = [triples[i] for i in torch.randint(0, len(triples), (n,), generator=gen)]
    shapes = torch.randint(0, len(data.SHAPES), (n,), generator=gen).tolist()
    ids = torch.stack([table[LONG, s, c, d, b] for (c, d, b), s in zip(pick, shapes)])
    quads = [(s, c, d, b) for (c, d, b), s in zip(pick, shapes)]
    return ids, torch.stack([means[q] for q in quads]), quads


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--init", default="", help="start from this `fresh` checkpoint's EMA weights (default: scratch)")
    ap.add_argument("--pool", default=os.path.join(HERE, "work", "latents.pt"))
    ap.add_argument("--steps", type=int, default=500)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--input", default="noise", choices=["noise", "zeros"])
    ap.add_argument("--target", default="clip", choices=["clip", "first", "left"],
                    help="first: frame 0's mean in every frame; left: the left-moving mean clip whatever the caption's "
                    "direction (place and time without the word: the U-Net's positional capacity alone)")
    ap.add_argument("--by-shape", action="store_true", help="each shape's own mean clip (default: the three shapes' "
                    "mean, as in the runs of 2026-11-26 and the fourth sitting)")
    ap.add_argument("--save", default="", help="write the trained weights here, in the --init checkpoint's format")
    ap.add_argument("--every", type=int, default=50, help="measure direction accuracy every this many steps")
    args = ap.parse_args()
    torch.set_num_threads(1)
    scaling = json.load(open(os.path.join(DEFAULT_VAE, "config.json")))["scaling_factor"]  # the shipped latents'
    means, triples = mean_clips(load_pool(args.pool, "cpu"), scaling, args.by_shape)
    if args.target == "first":
        means = means[:, :, :, :, :, :1].expand_as(means).clone()
    if args.target == "left":
        means = means[:, :, :1].expand_as(means).clone()
    torch.manual_seed(C.SEED)
    unet, text = UNet3DConditionModel(**C.UNET), CLIPTextModel(**C.TEXT)
    init, t_in, sign = {}, T_FIRST, 1.0
    if args.init:
        init = torch.load(args.init, map_location="cpu")
        unet_sd, text_sd = split_both({k: v.float() for k, v in init["ema"].items()})
        unet.load_state_dict(unet_sd)
        text.load_state_dict(text_sd)
        run = init.get("args", {})
        if run.get("zero_snr") and run.get("prediction") == "v_prediction":
            t_in, sign = T_LAST, -1.0  # v = sqrt(a) eps - sqrt(1 - a) x0 = -x0 where alpha_bar = 0
            print(f"zero-SNR v-prediction checkpoint: input at t = {t_in}, output read as -x0")
    elif args.save:
        raise SystemExit("regress: --save needs --init (the checkpoint whose format and config it keeps)")
    table = data_torch.caption_table(tokenizer())
    opt = torch.optim.AdamW(list(unet.parameters()) + list(text.parameters()), lr=args.lr)
    scale = 0.0 if args.input == "zeros" else 1.0

    def forward(ids, shape, gen):
        x = torch.randn(shape, generator=gen) * scale
        return sign * unet(x, torch.full((shape[0],), t_in), text(ids))

    @torch.no_grad()
    def direction_accuracy():
        gen = torch.Generator().manual_seed(99)
        ids, target, pick = batch(gen, 96, triples, means, table)
        out = forward(ids, target.shape, gen)
        err = torch.stack([(out - torch.stack([means[s, c, d, b] for s, c, _, b in pick])).pow(2).flatten(1).sum(1)
                           for d in range(4)], 1)
        return (err.argmin(1) == torch.tensor([d for _, _, d, _ in pick])).float().mean().item()

    pairs = sorted({(c, b) for c, _, b in triples})
    floor = torch.stack([(means[:, c, :, b] - means[:, c, :, b].mean(1, keepdim=True)).pow(2).mean()
                         for c, b in pairs]).mean().item()
    place = torch.stack([(means[:, c, :, b] - means[:, c, :, b].mean((3, 4, 5), keepdim=True)).pow(2).mean()
                         for c, b in pairs]).mean().item()
    print(f"direction part of the targets: mean square {floor:.4f} (the loss of a model that ignores the word); "
          f"place-and-time part {place:.4f} (the loss of a model that draws each channel flat)")
    gen, t0, losses = torch.Generator().manual_seed(0), time.time(), []
    for step in range(args.steps + 1):
        if step % args.every == 0:
            loss = sum(losses) / len(losses) if losses else float("nan")
            print(f"step {step}: loss {loss:.5f}, direction {direction_accuracy():.1%} (chance 25%), "
                  f"{time.time() - t0:.0f}s", flush=True)
            losses = []
        if step == args.steps:
            break
        ids, target, _ = batch(gen, 16, triples, means, table)
        loss = (forward(ids, target.shape, gen) - target).pow(2).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if args.save and (step + 1) % args.every == 0:
            both = {**{f"unet.{k}": v for k, v in unet.state_dict().items()},
                    **{f"text.{k}": v for k, v in text.state_dict().items()}}
            run = {"init": args.init, "lr": args.lr, "t": t_in, "target": args.target, "by_shape": args.by_shape}
            torch.save({**init, "ema": {k: v.half() if v.is_floating_point() else v for k, v in both.items()},
                        "step": step + 1, "regress": run}, args.save + ".tmp")
            os.replace(args.save + ".tmp", args.save)


if __name__ == "__main__":
    main()
