"""Direction learnability without diffusion: train the U-Net + text encoder to map (pure noise at t = 961, caption)
straight to the pool's mean latent clip for the caption's colour, direction and background.

Sampling's first step must draw that mean clip; here the target is fixed and noise-free, so a network that cannot
learn it in a few hundred steps will not learn it through the much noisier diffusion loss either.

  /usr/bin/python3 train/regress.py [--init CKPT] [--steps 500] [--lr 1e-3] [--input noise|zeros] [--target clip|first]
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
from fresh import DEFAULT_VAE  # noqa: E402
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from parts import split_both, tokenizer  # noqa: E402

T_FIRST = 961  # ModelScope's first DDIM timestep at 25 steps
LONG = 2  # the long caption form's row in data_torch.caption_table


def mean_clips(pool, scaling):
    """Mean scaled latent clip per (colour, direction, background) -> (5, 4, 3, C, F, H, W), and the drawn triples."""
    z = pool["mean"] * scaling
    _, col, dir_, bg = data_torch.spec_indices(pool["specs"])
    means = torch.zeros((5, 4, 3) + z.shape[1:])
    triples = []
    for c, d, b in itertools.product(range(5), range(4), range(3)):
        pick = (col == c) & (dir_ == d) & (bg == b)
        if pick.any():
            means[c, d, b] = z[pick].mean(0)
            triples.append((c, d, b))
    return means, triples


def batch(gen, n, triples, means, table):
    """Long captions of random triples and shapes -> (token ids, targets, triples)."""
    pick = [triples[i] for i in torch.randint(0, len(triples), (n,), generator=gen)]
    shapes = torch.randint(0, len(data.SHAPES), (n,), generator=gen)
    ids = torch.stack([table[LONG, s, c, d, b] for (c, d, b), s in zip(pick, shapes)])
    return ids, torch.stack([means[c, d, b] for c, d, b in pick]), pick


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
    ap.add_argument("--every", type=int, default=50, help="measure direction accuracy every this many steps")
    args = ap.parse_args()
    torch.set_num_threads(1)
    scaling = json.load(open(os.path.join(DEFAULT_VAE, "config.json")))["scaling_factor"]  # the shipped latents'
    means, triples = mean_clips(torch.load(args.pool, map_location="cpu"), scaling)
    if args.target == "first":
        means = means[:, :, :, :, :1].expand_as(means).clone()
    if args.target == "left":
        means = means[:, :1].expand_as(means).clone()
    torch.manual_seed(C.SEED)
    unet, text = UNet3DConditionModel(**C.UNET), CLIPTextModel(**C.TEXT)
    if args.init:
        ema = torch.load(args.init, map_location="cpu")["ema"]
        unet_sd, text_sd = split_both({k: v.float() for k, v in ema.items()})
        unet.load_state_dict(unet_sd)
        text.load_state_dict(text_sd)
    table = data_torch.caption_table(tokenizer())
    opt = torch.optim.AdamW(list(unet.parameters()) + list(text.parameters()), lr=args.lr)
    scale = 0.0 if args.input == "zeros" else 1.0

    def forward(ids, shape, gen):
        x = torch.randn(shape, generator=gen) * scale
        return unet(x, torch.full((shape[0],), T_FIRST), text(ids))

    @torch.no_grad()
    def direction_accuracy():
        gen = torch.Generator().manual_seed(99)
        ids, target, pick = batch(gen, 96, triples, means, table)
        out = forward(ids, target.shape, gen)
        err = torch.stack([(out - means[[c for c, _, _ in pick], d, [b for _, _, b in pick]]).pow(2).flatten(1).sum(1)
                           for d in range(4)], 1)
        return (err.argmin(1) == torch.tensor([d for _, d, _ in pick])).float().mean().item()

    pairs = sorted({(c, b) for c, _, b in triples})
    floor = torch.stack([(means[c, :, b] - means[c, :, b].mean(0)).pow(2).mean() for c, b in pairs]).mean().item()
    place = torch.stack([(means[c, :, b] - means[c, :, b].mean((2, 3, 4), keepdim=True)).pow(2).mean()
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


if __name__ == "__main__":
    main()
