"""DDIM sampling (ModelScope's DDIMScheduler config, eta 0) + the quality metric of bench/shape-metrics.ts.

  /usr/bin/python3 train/sample.py [--from work|export | --ckpt fresh.pt] [--seeds 1] [--steps 25] [--guidance 9] [--limit N]

--from work uses the EMA weights of train/work/unet.pt (rounded to fp16, as exported); --from export reads
models/default/. Prints colour / direction / both accuracies over colour x shape x direction short prompts.
"""
import argparse
import itertools
import json
import os
import sys
import time

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import config as C  # noqa: E402
import data  # noqa: E402
import schedule  # noqa: E402
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.safetensors_io import load_file  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from modules.vae import AutoencoderKL  # noqa: E402
from parts import load_vae_folder, split_both, tokenizer  # noqa: E402

PALETTE = {"red": (255, 0, 0), "green": (0, 255, 0), "blue": (0, 0, 255), "yellow": (255, 255, 0),
           "white": (255, 255, 255)}


def fp16_round(sd):
    return {k: (v.half().float() if v.is_floating_point() else v) for k, v in sd.items()}


def load_models(source):
    if source == "export":
        d = os.path.join(ROOT, "models", "default")
        ucfg = json.load(open(os.path.join(d, "unet", "config.json")))
        unet = UNet3DConditionModel(**ucfg)
        unet.load_state_dict({k: v.float() for k, v in load_file(os.path.join(d, "unet", "diffusion_pytorch_model.safetensors")).items()})
        vae, vcfg = load_vae_folder(os.path.join(d, "vae"))
        text = CLIPTextModel(**C.TEXT)
        text.load_state_dict({k: v.float() for k, v in load_file(os.path.join(d, "text_encoder", "model.safetensors")).items()})
        tok = tokenizer(os.path.join(d, "tokenizer"))
        scaling = vcfg["scaling_factor"]
    else:
        work = os.path.join(HERE, "work")
        ck = torch.load(os.path.join(work, "unet.pt"))
        unet_sd, text_sd = split_both(fp16_round(ck["ema"]))
        unet, text = UNet3DConditionModel(**C.UNET), CLIPTextModel(**C.TEXT)
        unet.load_state_dict(unet_sd)
        text.load_state_dict(text_sd)
        vck = torch.load(os.path.join(work, "vae.pt"))
        vae = AutoencoderKL(**C.VAE)
        vae.load_state_dict(fp16_round(vck["model"]))
        scaling = torch.load(os.path.join(work, "latents.pt"))["scaling_factor"]
        tok = tokenizer()
    return unet.eval(), vae.eval(), text.eval(), tok, scaling


def load_checkpoint(path, vae_folder="", device="cpu"):
    """A `fresh` stage checkpoint (fp16 EMA weights + its UNet config) with the shipped VAE and tokenizer."""
    ck = torch.load(path, map_location="cpu")
    vae, vcfg = load_vae_folder(vae_folder or os.path.join(ROOT, "models", "default", "vae"))
    unet_sd, text_sd = split_both({k: v.float() for k, v in ck["ema"].items()})
    unet, text = UNet3DConditionModel(**ck["unet_config"]), CLIPTextModel(**C.TEXT)
    unet.load_state_dict(unet_sd)
    text.load_state_dict(text_sd)
    scaling = ck.get("scaling_factor", vcfg["scaling_factor"])
    return unet.to(device).eval(), vae.to(device).eval(), text.to(device).eval(), tokenizer(), scaling


def checkpoint_prediction(path):
    """What a `fresh` checkpoint's U-Net predicts: epsilon (ModelScope's) or v_prediction."""
    return torch.load(path, map_location="cpu")["args"].get("prediction", "epsilon")


def checkpoint_zero_snr(path):
    """Whether a `fresh` checkpoint was trained with zero terminal SNR (then sampled with trailing spacing)."""
    return bool(torch.load(path, map_location="cpu")["args"].get("zero_snr", False))


def alphas_cumprod(zero_snr=False):
    """The training schedule, float32 as t2v's schedulers compute it."""
    return schedule.alphas_cumprod(zero_snr)


def x0_and_eps(out, x_t, a_t, prediction="epsilon"):
    """The clean sample and the noise implied by the U-Net's output at x_t (alpha_bar a_t), for either prediction type."""
    if prediction == "v_prediction":
        return a_t.sqrt() * x_t - (1 - a_t).sqrt() * out, (1 - a_t).sqrt() * x_t + a_t.sqrt() * out
    return (x_t - (1 - a_t).sqrt() * out) / a_t.sqrt(), out


def prompt_embeddings(text, tok, prompts, device="cpu"):
    """Text states for classifier-free guidance: the empty prompt's (one per prompt), then the prompts'."""
    cond = text(torch.tensor([tok(p) for p in prompts], device=device))
    unc = text(torch.tensor([tok("")], device=device)).expand(len(prompts), -1, -1)
    return torch.cat([unc, cond])


def initial_noise(seeds, device="cpu"):
    """One latent per seed from torch's CPU generator on every device, as t2v draws it."""
    h = C.SIZE // 8
    return torch.cat([torch.randn((1, 4, C.FRAMES, h, h), generator=torch.Generator().manual_seed(int(s)))
                      for s in seeds]).to(device)


def guided_output(unet, lat, t, ehs, guidance, device="cpu"):
    """The U-Net's output at timestep t with classifier-free guidance (ehs from prompt_embeddings)."""
    out = unet(torch.cat([lat, lat]), torch.full((2 * lat.shape[0],), int(t), device=device), ehs)
    ou, oc = out.chunk(2)
    return ou + guidance * (oc - ou)


@torch.no_grad()
def generate(unet, vae, text, tok, scaling, prompts, seeds, steps=25, guidance=9.0, freeu=None, device="cpu",
             prediction="epsilon", zero_snr=False):
    acp = alphas_cumprod(zero_snr).to(device)
    final = acp[0]  # set_alpha_to_one False
    ehs = prompt_embeddings(text, tok, prompts, device)
    lat = initial_noise(seeds, device)
    ts = schedule.ddim_timesteps(steps, "trailing" if zero_snr else "leading")
    ratio = C.TRAIN_STEPS // steps
    for t in ts:
        out = guided_output(unet, lat, t, ehs, guidance, device)
        a_t = acp[t]
        prev = t - ratio
        a_p = acp[prev] if prev >= 0 else final
        x0, eps = x0_and_eps(out, lat, a_t, prediction)
        lat = a_p.sqrt() * x0 + (1 - a_p).sqrt() * eps
    z = lat / scaling
    b, c, f, hh, ww = z.shape
    img = vae.decode(z.permute(0, 2, 1, 3, 4).reshape(b * f, c, hh, ww))
    img = (img / 2 + 0.5).clamp(0, 1)
    img = img.reshape(b, f, 3, C.SIZE, C.SIZE).permute(0, 1, 3, 4, 2)  # (B, F, H, W, 3)
    return (img * 255).round().to(torch.uint8).cpu().numpy()


def read_clip(rgb, threshold=80):
    """Same reading as bench/shape-metrics.ts: rgb (F, H, W, 3) uint8 -> (colour, direction)."""
    f0 = rgb[0].astype(np.float64)
    border = np.concatenate([f0[0], f0[-1], f0[:, 0], f0[:, -1]])
    bg = np.array([np.sort(border[:, c])[len(border) >> 1] for c in range(3)])
    x = rgb.astype(np.float64)
    mask = ((x - bg) ** 2).sum(-1) >= threshold * threshold
    if not mask.any():
        return None, None
    mean = x[mask].mean(0)
    colour = min(PALETTE, key=lambda c: ((mean - np.array(PALETTE[c])) ** 2).sum())
    cents = []
    for fm in mask:
        ys, xs = np.nonzero(fm)
        if len(xs):
            cents.append((xs.mean(), ys.mean()))
    if len(cents) < 2:
        return colour, None
    dx, dy = cents[-1][0] - cents[0][0], cents[-1][1] - cents[0][1]
    d = ("left" if dx < 0 else "right") if abs(dx) >= abs(dy) else ("up" if dy < 0 else "down")
    return colour, d


# fill ratio (object pixels / their bounding box): square 1, circle pi/4, triangle 1/2 as drawn; the shipped 8x VAE
# rounds corners (its round trip of 30 rendered clips: triangles 0.64-0.76, circles 0.74-0.85, squares 0.85-0.93),
# so the cuts lie between those ranges (bench/shape-metrics.ts uses the same)
SHAPE_CUTS = ((0.71, "triangle"), (0.88, "circle"), (float("inf"), "square"))


def read_shape(rgb, threshold=80, min_pixels=12):
    """The shape of the object in rgb (F, H, W, 3) uint8, from the median fill ratio of its frames, or None."""
    f0 = rgb[0].astype(np.float64)
    border = np.concatenate([f0[0], f0[-1], f0[:, 0], f0[:, -1]])
    bg = np.array([np.sort(border[:, c])[len(border) >> 1] for c in range(3)])
    ratios = []
    for fm in ((rgb.astype(np.float64) - bg) ** 2).sum(-1) >= threshold * threshold:
        ys, xs = np.nonzero(fm)
        if len(xs) >= min_pixels:
            ratios.append(len(xs) / ((xs.max() - xs.min() + 1) * (ys.max() - ys.min() + 1)))
    if not ratios:
        return None
    r = float(np.median(ratios))
    return next(name for cut, name in SHAPE_CUTS if r < cut)


def prompt_seed_pairs(seeds):
    return [(c, s, d, seed) for c, s, d in itertools.product(data.COLOURS, data.SHAPES, data.DIRECTIONS)
            for seed in range(seeds)]


def score(pairs, readings):
    """readings: (colour, direction, shape) per pair -> "colour X%, direction Y%, both Z%"."""
    n = len(pairs)
    ok_c = sum(r[0] == p[0] for p, r in zip(pairs, readings))
    ok_d = sum(r[1] == p[2] for p, r in zip(pairs, readings))
    ok_b = sum(r[0] == p[0] and r[1] == p[2] for p, r in zip(pairs, readings))
    ok_s = sum(r[2] == p[1] for p, r in zip(pairs, readings))
    return f"colour {ok_c / n:.1%}, direction {ok_d / n:.1%}, both {ok_b / n:.1%}, shape {ok_s / n:.1%}"


def sample_pairs(models, pairs, batch, device="cpu", **kwargs):
    """Generates `a {colour} {shape} moving {direction}` for each pair -> (readings, clips)."""
    readings, clips = [], []
    for i in range(0, len(pairs), batch):
        chunk = pairs[i:i + batch]
        out = generate(*models, [f"a {c} {s} moving {d}" for c, s, d, _ in chunk], [p[3] for p in chunk],
                       device=device, **kwargs)
        readings += [read_clip(clip) + (read_shape(clip),) for clip in out]
        clips += list(out)
    return readings, clips


@torch.no_grad()
def evaluate(models, seeds, freeu=None, device="cpu", batch=120, prediction="epsilon", zero_snr=False):
    """Colour / direction / both accuracy over every colour x shape x direction short prompt and seed."""
    models[0].set_freeu(freeu)
    pairs = prompt_seed_pairs(seeds)
    readings, _ = sample_pairs(models, pairs, batch, device, prediction=prediction, zero_snr=zero_snr)
    models[0].set_freeu(None)
    return f"{len(pairs)} prompt-seed pairs: {score(pairs, readings)}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="source", default="work", choices=["work", "export"])
    ap.add_argument("--ckpt", default="", help="a `fresh` stage checkpoint (overrides --from)")
    ap.add_argument("--seeds", type=int, default=1)
    ap.add_argument("--steps", type=int, default=25)
    ap.add_argument("--guidance", type=float, default=9.0)
    ap.add_argument("--limit", type=int, default=0, help="evaluate only every k-th prompt-seed pair to save time")
    ap.add_argument("--batch", type=int, default=20)
    ap.add_argument("--save", default="", help="write the clips to this .npy file")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--freeu", default="", help="b1,b2,s1,s2 (diffusers FreeU v1) or empty for off")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    models = load_checkpoint(args.ckpt) if args.ckpt else load_models(args.source)
    if args.freeu:
        b1, b2, s1, s2 = map(float, args.freeu.split(","))
        models[0].set_freeu({"b1": b1, "b2": b2, "s1": s1, "s2": s2})
    pairs = prompt_seed_pairs(args.seeds)
    if args.limit:
        pairs = pairs[:: max(1, len(pairs) // args.limit)][: args.limit]
    t0 = time.time()
    prediction = checkpoint_prediction(args.ckpt) if args.ckpt else "epsilon"
    zero_snr = checkpoint_zero_snr(args.ckpt) if args.ckpt else False
    readings, clips = sample_pairs(models, pairs, args.batch, steps=args.steps, guidance=args.guidance,
                                   prediction=prediction, zero_snr=zero_snr)
    print(f"{len(pairs)} prompt-seed pairs, {time.time() - t0:.0f}s: {score(pairs, readings)}")
    for key, idx in (("colour", 0), ("shape", 1), ("direction", 2)):
        for v in sorted({p[idx] for p in pairs}):
            sub = [(p, r) for p, r in zip(pairs, readings) if p[idx] == v]
            print(f"  {key}:{v:<9} colour {sum(r[0] == p[0] for p, r in sub)}/{len(sub)} "
                  f"direction {sum(r[1] == p[2] for p, r in sub)}/{len(sub)}")
    if args.save:
        np.save(args.save, np.stack(clips))
        with open(args.save + ".json", "w") as f:
            json.dump([[list(map(str, p)), *r] for p, r in zip(pairs, readings)], f)


if __name__ == "__main__":
    main()
