"""Direction probe: does the first DDIM step's x0 prediction (pure noise, t = 961) follow the caption's direction?

Sampling decides the object's path in its first steps, so a model whose first x0 estimate ignores the direction word
draws a path chosen by the noise. For each seed and prompt the guided x0 estimate is compared with the pool's mean
latent clip of each direction for the prompt's colour; the probe's accuracy is how often the prompted direction's
template fits best.

  /usr/bin/python3 train/probe.py --ckpt train/work/ft/fresh-base-shift.pt [--seeds 8] [--t 961] [--flipped]
"""
import argparse
import itertools
import os
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import data  # noqa: E402
import data_torch  # noqa: E402
import sample  # noqa: E402


@torch.no_grad()
def direction_templates(pool, scaling):
    """Mean latent clip of each (colour, direction) minus that colour's mean, in the checkpoint's latent scale.

    Per colour, because averaged over colours and backgrounds the object's contrast cancels: -> (5, 4, C, F, H, W)."""
    z = pool["mean"] * scaling
    colours, dirs = data_torch.COLOUR_NAMES, data_torch.DIRECTION_NAMES
    _, col, dir_, _ = data_torch.spec_indices(pool["specs"])
    means = torch.stack([z[col == c].mean(0) for c in range(len(colours))])
    templates = torch.stack([torch.stack([z[(col == c) & (dir_ == d)].mean(0) - means[c] for d in range(len(dirs))])
                             for c in range(len(colours))])
    return templates, means


@torch.no_grad()
def probe(models, pool, seeds=8, t=961, guidance=9.0, prediction="epsilon", zero_snr=False):
    unet, _vae, text, tok, scaling = models
    templates, means = direction_templates(pool, scaling)
    a = sample.alphas_cumprod(zero_snr)[t]
    colours, dirs = data_torch.COLOUR_NAMES, data_torch.DIRECTION_NAMES
    cases = list(itertools.product(colours, data.SHAPES, dirs, range(seeds)))
    right, agree = 0, []
    for i in range(0, len(cases), 60):
        chunk = cases[i:i + 60]
        ehs = sample.prompt_embeddings(text, tok, [f"a {c} {s} moving {d}" for c, s, d, _ in chunk])
        x = sample.initial_noise([seed for *_, seed in chunk])
        out = sample.guided_output(unet, x, t, ehs, guidance)
        col = torch.tensor([colours.index(c) for c, *_ in chunk])
        x0 = sample.x0_and_eps(out, x, a, prediction)[0] - means[col]
        scores = torch.einsum("bcfhw,bdcfhw->bd", x0, templates[col])
        want = torch.tensor([dirs.index(d) for _, _, d, _ in chunk])
        right += int((scores.argmax(1) == want).sum())
        # cosine between the guided x0 and the prompted template: 1 = the template, 0 = unrelated
        agree.append(torch.nn.functional.cosine_similarity(x0.flatten(1), templates[col, want].flatten(1)))
    return right / len(cases), torch.cat(agree).mean().item()


@torch.no_grad()
def flipped_ratio(models, pool, t, prediction="epsilon", n=48, zero_snr=False, long=False):
    """x0 MSE of n pool clips noised to t and denoised with the opposite direction word, over the MSE with the right
    caption: 1.0 = the model ignores the direction word, above 1 = it uses it. long: captions name the background, so
    the MSE compares with the pool's floors (train/README, fourth sitting)."""
    unet, _vae, text, tok, scaling = models
    g = torch.Generator().manual_seed(5)
    idx = torch.randperm(pool["mean"].shape[0], generator=g)[:n]
    z0, specs = pool["mean"][idx] * scaling, [pool["specs"][i] for i in idx]
    opposite = {"left": "right", "right": "left", "up": "down", "down": "up"}
    a = sample.alphas_cumprod(zero_snr)[t]
    xt = a.sqrt() * z0 + (1 - a).sqrt() * torch.randn(z0.shape, generator=g)
    mse = []
    for words in ([d for _, _, d, _ in specs], [opposite[d] for _, _, d, _ in specs]):
        tail = [f" on a {b} background" if long else "" for *_, b in specs]
        ids = torch.tensor([tok(f"a {c} {s} moving {w}{e}") for (c, s, _, _), w, e in zip(specs, words, tail)])
        out = unet(xt, torch.full((n,), t), text(ids))
        mse.append((sample.x0_and_eps(out, xt, a, prediction)[0] - z0).pow(2).mean().item())
    return mse[1] / mse[0], mse[0]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--ckpt", required=True)
    ap.add_argument("--pool", default=os.path.join(HERE, "work", "latents.pt"))
    ap.add_argument("--seeds", type=int, default=8)
    ap.add_argument("--t", type=int, default=961)
    ap.add_argument("--flipped", action="store_true", help="also the flipped-direction ratio at --flipped-t")
    ap.add_argument("--flipped-t", default="961,801,601", help="timesteps of the flipped-direction ratio")
    ap.add_argument("--flipped-n", type=int, default=48, help="pool clips in the flipped-direction ratio")
    ap.add_argument("--long", action="store_true", help="flipped ratio with long captions (with the background)")
    ap.add_argument("--no-probe", action="store_true", help="only the flipped-direction ratio")
    args = ap.parse_args()
    torch.set_num_threads(1)
    models, prediction = sample.load_checkpoint(args.ckpt), sample.checkpoint_prediction(args.ckpt)
    zero_snr = sample.checkpoint_zero_snr(args.ckpt)
    pool = torch.load(args.pool, map_location="cpu")  # the latents stage's pool, read once for every measure
    if not args.no_probe:
        acc, cos = probe(models, pool, args.seeds, args.t, prediction=prediction, zero_snr=zero_snr)
        print(f"{args.ckpt}: t={args.t} first-step direction {acc:.1%} (chance 25%), cosine to template {cos:.3f}")
    for t in map(int, args.flipped_t.split(",")) if args.flipped or args.no_probe else ():
        ratio, mse = flipped_ratio(models, pool, t, prediction, args.flipped_n, zero_snr, args.long)
        print(f"  t={t}: x0 MSE {mse:.4f} with the caption's direction, x{ratio:.3f} with the opposite one")


if __name__ == "__main__":
    main()
