"""Train the embedded default model (t2v-shapes) on procedural clips, on the CPU.

Stages (each resumable; checkpoints and logs under train/work/, which git ignores):
  vae     AutoencoderKL on single frames: L1 + L2 + small KL
  latents encode a fixed pool of clips with the VAE; scaling_factor = 1 / std(latents)
  unet    UNet3DConditionModel + CLIPTextModel (from scratch, jointly) with the epsilon loss on the
          ModelScope DDPM schedule (scaled_linear 0.00085..0.012, 1000 steps)
  fresh   the same, on clips rendered and encoded anew every step, on the CPU or a GPU (fresh.py)

  /usr/bin/python3 train/train.py vae --steps 600
  /usr/bin/python3 train/train.py latents --clips 2400
  /usr/bin/python3 train/train.py unet --steps 3000 [--max-minutes 40]
  python3 train/train.py fresh --device cuda --minutes 6 --batch 256 --eval-seeds 2
  /usr/bin/python3 train/export.py          # -> models/default/

Runs are deterministic given the seed and the step count (every step reseeds its data and noise from
SEED + step), so a resumed run continues exactly where it stopped.
"""
import argparse
import json
import math
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import config as C  # noqa: E402
import data  # noqa: E402
import schedule  # noqa: E402
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from modules.vae import AutoencoderKL  # noqa: E402
from parts import Both, tokenizer  # noqa: E402

WORK = os.path.join(HERE, "work")


def log(stage, msg):
    line = f"{time.strftime('%H:%M:%S')} [{stage}] {msg}"
    print(line, flush=True)
    with open(os.path.join(WORK, f"{stage}.log.txt"), "a") as f:
        f.write(line + "\n")


def save_ckpt(path, obj):
    tmp = path + ".tmp"
    torch.save(obj, tmp)
    os.replace(tmp, path)


def to_tensor_frames(clips):
    """(N, F, H, W, 3) in [0, 1] -> (N*F, 3, H, W) in [-1, 1]."""
    x = torch.from_numpy(clips).reshape((-1,) + clips.shape[2:]).permute(0, 3, 1, 2)
    return x * 2 - 1


def make_vae():
    return AutoencoderKL(**C.VAE)


def load_vae():
    ck = torch.load(os.path.join(WORK, "vae.pt"))
    vae = make_vae()
    vae.load_state_dict(ck["ema"] if "ema" in ck else ck["model"])
    return vae.eval()


class EMA:
    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}

    @torch.no_grad()
    def update(self, model, decay=None):
        d = self.decay if decay is None else decay
        for k, v in model.state_dict().items():
            if v.dtype.is_floating_point:
                self.shadow[k].mul_(d).add_(v.detach(), alpha=1 - d)
            else:
                self.shadow[k].copy_(v)


# ---------------------------------------------------------------------------------------------- VAE
VAE_WEIGHT_FROM = 300  # the shipped run weighted shape pixels from step 300 on


def stage_vae(args):
    path = os.path.join(WORK, "vae.pt")
    vae = make_vae()
    opt = torch.optim.AdamW(vae.parameters(), lr=args.lr or 1e-3, weight_decay=0.0)
    step = 0
    if os.path.exists(path):
        ck = torch.load(path)
        vae.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        step = ck["step"]
        for gr in opt.param_groups:  # the lr given now, not the checkpoint's
            gr["lr"] = args.lr or 1e-3
        log("vae", f"resumed at step {step}, lr {opt.param_groups[0]['lr']:g}")
    vae.train()
    t0, t_last = time.time(), time.time()
    kl_w, bs = 1e-4, args.batch or 24
    while step < args.steps:
        if args.max_minutes and time.time() - t0 > args.max_minutes * 60:
            break
        rng = np.random.default_rng(C.SEED * 1000003 + step)
        torch.manual_seed(C.SEED + step)
        clips, _ = data.make_batch(rng, bs, frames=C.FRAMES, size=C.SIZE)
        fidx = rng.integers(0, C.FRAMES, bs)
        x = to_tensor_frames(clips[np.arange(bs), fidx][:, None])
        mean, logvar = vae.encode(x)
        z = mean + torch.exp(0.5 * logvar) * torch.randn_like(mean)
        y = vae.decode(z)
        # the shape covers ~5% of a frame: weight its pixels (those unlike the corner/background colour) x10
        fg = ((x - x[:, :, :1, :1]).abs().amax(1, keepdim=True) > 0.05).float()
        w = 1.0 + 9.0 * fg if step >= VAE_WEIGHT_FROM else torch.ones_like(fg)
        rec = ((y - x).abs() * w).mean() + ((y - x).pow(2) * w).mean()
        kl = 0.5 * (mean.pow(2) + logvar.exp() - 1 - logvar).mean()
        loss = rec + kl_w * kl
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(vae.parameters(), 1.0)
        opt.step()
        step += 1
        if step % 20 == 0 or step == args.steps:
            log("vae", f"step {step} rec {rec.item():.4f} kl {kl.item():.3f} "
                       f"({(time.time() - t_last) / 20:.2f}s/step)")
            t_last = time.time()
        if step % 100 == 0:
            save_ckpt(path, {"model": vae.state_dict(), "opt": opt.state_dict(), "step": step})
    save_ckpt(path, {"model": vae.state_dict(), "opt": opt.state_dict(), "step": step})
    log("vae", f"stopped at step {step}, {(time.time() - t0) / 60:.1f} min this run")


# ------------------------------------------------------------------------------------------ latents
@torch.no_grad()
def stage_latents(args):
    if args.vae:  # an exported VAE folder (models/default/vae) instead of the `vae` stage's checkpoint
        from parts import load_vae_folder
        vae = load_vae_folder(args.vae)[0].eval()
    else:
        vae = load_vae()
    n = args.clips
    rng = np.random.default_rng(C.SEED + 77)
    means, logvars, specs = [], [], []
    t0 = time.time()
    for i in range(0, n, 16):
        clips, sp = data.make_batch(rng, min(16, n - i), frames=C.FRAMES, size=C.SIZE)
        m, lv = vae.encode(to_tensor_frames(clips))
        k = clips.shape[0]
        # (k*F, 4, h, w) -> (k, 4, F, h, w)
        means.append(m.reshape((k, C.FRAMES) + m.shape[1:]).permute(0, 2, 1, 3, 4).clone())
        logvars.append(lv.reshape((k, C.FRAMES) + lv.shape[1:]).permute(0, 2, 1, 3, 4).clone())
        specs += sp
        if (i // 16) % 20 == 0:
            log("latents", f"{i + k}/{n} clips ({time.time() - t0:.0f}s)")
    mean, logvar = torch.cat(means), torch.cat(logvars)
    g = torch.Generator().manual_seed(C.SEED)
    z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)
    std = z.std().item()
    scaling = 1.0 / std
    torch.save({"mean": mean, "logvar": logvar, "specs": specs, "scaling_factor": scaling, "trail": data.TRAIL},
               os.path.join(WORK, "latents-trail.pt" if data.TRAIL else "latents.pt"))
    log("latents", f"{n} clips, latent shape {tuple(mean.shape[1:])}, mean {z.mean().item():.4f} std {std:.4f} "
                   f"posterior std {torch.exp(0.5 * logvar).mean().item():.4f} -> scaling_factor {scaling:.5f}")


# --------------------------------------------------------------------------------------------- UNet
def ddpm_alphas_cumprod(zero_snr=False):
    if zero_snr:  # the rescaled schedule in diffusers' float32 (schedule.py); the shipped runs used the float64 one
        return schedule.alphas_cumprod(zero_snr=True)
    betas = torch.linspace(C.BETA_START ** 0.5, C.BETA_END ** 0.5, C.TRAIN_STEPS, dtype=torch.float64) ** 2
    return torch.cumprod(1.0 - betas, 0).float()


def make_unet_text():
    torch.manual_seed(C.SEED)
    return UNet3DConditionModel(**C.UNET), CLIPTextModel(**C.TEXT)


MIN_SNR_FROM = 1300  # the first 1300 steps of the shipped run used the plain epsilon MSE


def lr_at(step, base, warmup=100):
    return base * min(1.0, (step + 1) / warmup)


def stage_unet(args):
    path = os.path.join(WORK, "unet.pt")
    pool = torch.load(os.path.join(WORK, "latents.pt"))
    scaling = pool["scaling_factor"]
    unet, text = make_unet_text()
    model = Both(unet, text)
    base_lr = args.lr or 5e-4
    opt = torch.optim.AdamW(model.parameters(), lr=base_lr, weight_decay=1e-2)
    ema = EMA(model, 0.995)
    step = 0
    if os.path.exists(path):
        ck = torch.load(path)
        model.load_state_dict(ck["model"])
        opt.load_state_dict(ck["opt"])
        ema.shadow = ck["ema"]
        step = ck["step"]
        log("unet", f"resumed at step {step}")
    model.train()
    tok = tokenizer()
    ids_cache = {}
    acp = ddpm_alphas_cumprod()
    n = pool["mean"].shape[0]
    bs = args.batch or 16
    t0, t_last, acc = time.time(), time.time(), []
    while step < args.steps:
        if args.max_minutes and time.time() - t0 > args.max_minutes * 60:
            break
        rng = np.random.default_rng(C.SEED * 7919 + step)
        g = torch.Generator().manual_seed(C.SEED + step)
        torch.manual_seed(C.SEED + 10 ** 6 + step)  # dropout
        idx = rng.integers(0, n, bs)
        caps = [data.sample_caption(rng, pool["specs"][i]) for i in idx]
        for c in caps:
            if c not in ids_cache:
                ids_cache[c] = tok(c)
        ids = torch.tensor([ids_cache[c] for c in caps])
        mean, logvar = pool["mean"][idx], pool["logvar"][idx]
        z0 = (mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=g)) * scaling
        noise = torch.randn(z0.shape, generator=g)
        t = torch.randint(0, C.TRAIN_STEPS, (bs,), generator=g)
        a = acp[t].view(-1, 1, 1, 1, 1)
        zt = a.sqrt() * z0 + (1 - a).sqrt() * noise
        ehs = text(ids)
        pred = unet(zt, t, ehs)
        if step >= MIN_SNR_FROM:
            # min-SNR-5 weighting (Hang et al. 2023) for epsilon prediction: w = min(SNR, 5) / SNR
            snr = (a / (1 - a)).view(-1)
            w = torch.clamp(snr, max=5.0) / snr
            loss = ((pred - noise).pow(2).mean(dim=(1, 2, 3, 4)) * w).mean()
        else:
            loss = F.mse_loss(pred, noise)
        for gr in opt.param_groups:
            gr["lr"] = lr_at(step, base_lr)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        step += 1
        ema.update(model, decay=min(0.995, (1 + step) / (10 + step)))
        acc.append(loss.item())
        if step % 20 == 0 or step == args.steps:
            log("unet", f"step {step} loss {np.mean(acc):.4f} lr {lr_at(step - 1, base_lr):.2e} "
                        f"({(time.time() - t_last) / len(acc):.2f}s/step)")
            acc, t_last = [], time.time()
        if step % 50 == 0:
            save_ckpt(path, {"model": model.state_dict(), "opt": opt.state_dict(), "ema": ema.shadow, "step": step})
    save_ckpt(path, {"model": model.state_dict(), "opt": opt.state_dict(), "ema": ema.shadow, "step": step})
    log("unet", f"stopped at step {step}, {(time.time() - t0) / 60:.1f} min this run")


def stage_fresh_and_eval(args):
    from fresh import run_name, stage_fresh
    ckpt = stage_fresh(args, log, ddpm_alphas_cumprod)
    if args.eval_seeds:
        import sample
        for freeu in (None, C.FREEU):
            summary = sample.evaluate(sample.load_checkpoint(ckpt, args.vae, args.device), args.eval_seeds,
                                      freeu=freeu, device=args.device, prediction=args.prediction,
                                      zero_snr=args.zero_snr)
            log(run_name(args), f"eval {'FreeU ' + str(freeu) if freeu else 'FreeU off'}: {summary}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("stage", choices=["vae", "latents", "unet", "fresh"])
    ap.add_argument("--steps", type=int, default=None)
    ap.add_argument("--clips", type=int, default=2400)
    ap.add_argument("--batch", type=int, default=0)
    ap.add_argument("--lr", type=float, default=0.0)
    ap.add_argument("--max-minutes", type=float, default=0.0)
    ap.add_argument("--threads", type=int, default=int(os.environ.get("T2V_TRAIN_THREADS", "1")),
                    help="torch threads; 1 is fastest on a loaded 2-core machine")
    ap.add_argument("--device", default="cpu", help="fresh: cpu or cuda")
    ap.add_argument("--variant", default="base", choices=sorted(C.UNET_VARIANTS), help="fresh: UNet variant")
    ap.add_argument("--minutes", type=float, default=0.0, help="fresh: fit the step count to this budget")
    ap.add_argument("--reserve", type=float, default=0.0, help="fresh: seconds of --minutes kept for the eval")
    ap.add_argument("--out", default="", help="fresh: folder for the EMA checkpoint (default train/work)")
    ap.add_argument("--vae", default="", help="fresh: VAE folder (default models/default/vae); latents: encode with it")
    ap.add_argument("--init", default="", help="fresh: start from this fresh checkpoint's EMA weights")
    ap.add_argument("--latent-scale", type=float, default=1.0,
                    help="fresh: multiply the VAE scaling factor (lowers the SNR of every timestep by its square)")
    ap.add_argument("--high-noise-weight", type=float, default=0.0,
                    help="fresh: weight samples with SNR < 1 by min(1/SNR, this) (x0 loss there); 0 = min-SNR-5 only")
    ap.add_argument("--high-t-frac", type=float, default=0.0,
                    help="fresh: share of each batch drawn from t >= --high-t instead of uniformly")
    ap.add_argument("--ema-decay", type=float, default=0.999, help="fresh: EMA decay (lower for short fine-tunes)")
    ap.add_argument("--prediction", default="epsilon", choices=["epsilon", "v_prediction"],
                    help="fresh: what the U-Net predicts (ModelScope: epsilon)")
    ap.add_argument("--zero-snr", action="store_true",
                    help="fresh: rescale the betas to zero terminal SNR (diffusers rescale_betas_zero_snr); needs "
                         "--prediction v_prediction, and sampling then uses trailing spacing")
    ap.add_argument("--high-t", type=int, default=600,
                    help="fresh: --high-t-frac draws from [this, 1000) (600: the first DDIM steps of a 25-step run)")
    ap.add_argument("--mean-target-from", type=int, default=0,
                    help="fresh, v_prediction with --pool: for t >= this, the v target takes the pool's mean clip of the "
                    "caption's spec as x0 (a variance-reduced target where x_t shows almost nothing; 0 = off)")
    ap.add_argument("--resume", action="store_true", help="fresh: continue from the run's -state.pt if it exists")
    ap.add_argument("--pool", default="", help="fresh: sample this `latents` stage pool instead of rendering")
    ap.add_argument("--tag", default="", help="fresh: suffix of the run's name (checkpoint fresh-VARIANT-TAG.pt)")
    ap.add_argument("--trail", action="store_true",
                    help="latents (to latents-trail.pt), and fresh without --pool: draw clips with data.MOTION_TRAIL")
    ap.add_argument("--eval-seeds", type=int, default=0, help="fresh: sample every prompt with this many seeds")
    args = ap.parse_args()
    data.TRAIL = data.MOTION_TRAIL if args.trail else ()  # the renderers read data.TRAIL
    if args.stage == "fresh":
        if not (args.steps or args.minutes):
            ap.error("fresh needs --steps or --minutes")
        if args.zero_snr and args.prediction != "v_prediction":
            ap.error("--zero-snr needs --prediction v_prediction (epsilon is undefined at zero SNR)")
        if args.prediction == "v_prediction" and args.high_noise_weight:
            ap.error("--high-noise-weight applies to epsilon prediction; v_prediction uses plain v MSE")
        args.lr = args.lr or 1e-3
        args.batch = args.batch or 256
    elif args.steps is None:
        args.steps = 1000
    torch.set_num_threads(args.threads)
    os.makedirs(WORK, exist_ok=True)
    {"vae": stage_vae, "latents": stage_latents, "unet": stage_unet, "fresh": stage_fresh_and_eval}[args.stage](args)


if __name__ == "__main__":
    main()
