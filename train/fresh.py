"""Stage `fresh`: UNet3D + CLIP text encoder trained on clips rendered anew every step, on the CPU or a GPU.

The `unet` stage samples a fixed pool of 2,400 encoded clips and suits the 2-core CPU; this stage renders
(data_torch.py) and encodes (the shipped VAE, models/default/vae) a new batch every step, so that a
GPU's throughput is not spent on repeats. The step count is either given (--steps) or fitted to a time
budget (--minutes) from the speed of the first steps; the learning-rate schedule follows the step count.

  python3 train/train.py fresh --device cuda --variant base --minutes 6 --batch 256 --out train/work
"""
import json
import math
import os
import time

import torch

import config as C
import data
import data_torch
from modules.clip_text import CLIPTextModel
from modules.safetensors_io import load_file
from modules.unet_3d import UNet3DConditionModel
from parts import Both, load_vae_folder, split_both, tokenizer

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_VAE = os.path.join(os.path.dirname(HERE), "models", "default", "vae")
TIMING_STEPS = (20, 60)  # steps timed to fit --minutes (the first 20 warm up kernels and allocators)


def run_name(args):
    """fresh-VARIANT[-TAG]: the name of the run's log and checkpoint."""
    return f"fresh-{args.variant}" + (f"-{args.tag}" if args.tag else "")


def load_pool(path, device):
    """The `latents` stage's encoded clips (train/work/latents.pt): on a CPU, encoding every step costs 2x a step."""
    pool = torch.load(path, map_location="cpu")
    spec = data_torch.spec_indices(pool["specs"], device)
    return {"mean": pool["mean"].to(device), "logvar": pool["logvar"].to(device), "spec": spec,
            "trail": tuple(pool.get("trail", ()))}


def spec_means(pool):
    """Mean posterior-mean latent clip per (shape, colour, direction, bg) of a loaded pool -> (3, 5, 4, 3, C, F, H, W)
    (zeros for a spec the pool never drew, such as white on white, which no caption asks for), and each spec's count."""
    dims = (len(data.SHAPES), len(data_torch.COLOUR_NAMES), len(data_torch.DIRECTION_NAMES), len(data_torch.BG_NAMES))
    key, n = torch.zeros_like(pool["spec"][0]), math.prod(dims)
    for idx, size in zip(pool["spec"], dims):  # spec_indices' order: shape, colour, direction, bg
        key = key * size + idx
    sums = torch.zeros((n,) + pool["mean"].shape[1:], device=key.device).index_add_(0, key, pool["mean"])
    counts = torch.bincount(key, minlength=n)
    means = sums / counts.clamp(min=1).view((-1,) + (1,) * (sums.dim() - 1))
    return means.view(dims + pool["mean"].shape[1:]), counts.view(dims)


def load_init(path):
    """--init: a `fresh` checkpoint's EMA weights, or an exported diffusers folder (models/default) -> (U-Net state,
    text state, the step it had reached)."""
    if os.path.isdir(path):
        unet_sd = load_file(os.path.join(path, "unet", "diffusion_pytorch_model.safetensors"))
        text_sd = load_file(os.path.join(path, "text_encoder", "model.safetensors"))
        return {k: v.float() for k, v in unet_sd.items()}, {k: v.float() for k, v in text_sd.items()}, "exported"
    init = torch.load(path, map_location="cpu")
    unet_sd, text_sd = split_both({k: v.float() for k, v in init["ema"].items()})
    return unet_sd, text_sd, init["step"]


def lr_factor(step, total, warmup=200, decay_from=0.7, floor=0.1):
    """Linear warm-up, flat, then a cosine down to `floor` over the last 30% of the steps."""
    if step < warmup:
        return (step + 1) / warmup
    start = int(total * decay_from)
    if step < start:
        return 1.0
    p = min(1.0, (step - start) / max(1, total - start))
    return floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * p))


def loss_weight(snr, high_noise_cap=0.0):
    """Per-sample weight of the epsilon loss: min-SNR-5 (Hang et al. 2023), w = min(SNR, 5) / SNR; with a cap > 1,
    samples with SNR < 1 get min(1 / SNR, cap) instead, which is the x0-prediction loss there (capped).

    Why: the caption-dependent part of the epsilon target scales with sqrt(SNR), so at high noise, where sampling
    decides the object's path, plain epsilon loss barely rewards reading the direction from the caption."""
    w = torch.clamp(snr, max=5.0) / snr
    if high_noise_cap > 1:
        w = torch.where(snr < 1, torch.clamp(1 / snr, max=high_noise_cap), w)
    return w


class FastEMA:
    """Exponential moving average of the weights in two fused kernels per step (a loop would launch ~1,000)."""

    def __init__(self, model, decay):
        self.decay = decay
        self.shadow = {k: v.detach().clone() for k, v in model.state_dict().items()}
        live = model.state_dict()
        self.pairs = [(self.shadow[k], live[k]) for k in live if live[k].dtype.is_floating_point]

    @torch.no_grad()
    def update(self, model, decay):
        shadow, live = [p[0] for p in self.pairs], [p[1] for p in self.pairs]
        torch._foreach_mul_(shadow, decay)
        torch._foreach_add_(shadow, live, alpha=1 - decay)


def init_runs(path):
    """--init of an exported folder: the training runs its t2v.json lists (None for a checkpoint or no --init)."""
    meta = os.path.join(path, "t2v.json") if path and os.path.isdir(path) else None
    return json.load(open(meta))["training"]["unet_runs"] if meta and os.path.isfile(meta) else None


def save_ema(path, ema, unet_cfg, scaling, step, total, args, trail, history):
    tmp = path + ".tmp"
    # fp16, as exported: the checkpoint fits the device tool's 16 MiB file limit and export loses nothing
    torch.save({"ema": {k: v.half() if v.is_floating_point() else v for k, v in ema.shadow.items()},
                "unet_config": unet_cfg, "scaling_factor": scaling, "step": step, "total": total,
                "trail": trail, "args": vars(args), "init_runs": history}, tmp)
    os.replace(tmp, path)


def save_state(path, model, opt, ema, step, total):
    torch.save({"model": model.state_dict(), "opt": opt.state_dict(), "ema": ema.shadow, "step": step,
                "total": total}, path + ".tmp")
    os.replace(path + ".tmp", path)


def stage_fresh(args, log, ddpm_alphas_cumprod):
    dev = torch.device(args.device)
    if dev.type == "cuda":
        torch.backends.cuda.matmul.allow_tf32 = True
        torch.backends.cudnn.allow_tf32 = True
        torch.backends.cudnn.benchmark = True
    name = run_name(args)
    out_dir = args.out or os.path.join(HERE, "work")
    os.makedirs(out_dir, exist_ok=True)
    ckpt = os.path.join(out_dir, f"{name}.pt")
    say = lambda msg: log(name, msg)  # noqa: E731

    unet_cfg = dict(C.UNET, **C.UNET_VARIANTS[args.variant])
    torch.manual_seed(C.SEED)
    unet, text = UNet3DConditionModel(**unet_cfg).to(dev), CLIPTextModel(**C.TEXT).to(dev)
    params = list(unet.parameters()) + list(text.parameters())
    say(f"{args.device}, variant {args.variant} {unet_cfg['block_out_channels']} x{unet_cfg['layers_per_block']}, "
        f"{sum(p.numel() for p in params) / 1e6:.2f} M params, batch {args.batch}, lr {args.lr}")
    vae, vae_cfg = load_vae_folder(args.vae or DEFAULT_VAE)
    vae = vae.to(dev).eval().requires_grad_(False)
    scaling = vae_cfg["scaling_factor"]
    if args.init:
        unet_sd, text_sd, init_step = load_init(args.init)
        unet.load_state_dict(unet_sd)
        text.load_state_dict(text_sd)
        say(f"initialised from {args.init} (step {init_step})")
    # the init folder's runs, read once at the start: export.py takes them from the checkpoint, since a later export
    # may overwrite the folder while this run goes on
    history = init_runs(args.init)
    # latents smaller than unit variance lower every timestep's SNR by latent_scale^2: at ModelScope's first
    # sampling step (t=961, SNR 0.0073) a unit-variance clip's path is still readable from x_t, so the model
    # learns to follow the noise instead of the caption's direction
    scaling *= args.latent_scale
    say(f"latent scaling factor {scaling:.5f} (latent_scale {args.latent_scale:g})")

    model = Both(unet, text)
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-2)
    ema = FastEMA(model, args.ema_decay)
    table = data_torch.caption_table(tokenizer()).to(dev)
    acp = ddpm_alphas_cumprod(args.zero_snr).to(dev)
    gen = torch.Generator(device=dev)
    pool = load_pool(args.pool, dev) if args.pool else None
    trail = pool["trail"] if pool else data.TRAIL  # what the clips were drawn with, recorded in the checkpoint
    if args.mean_target_from and (pool is None or args.prediction != "v_prediction"):
        raise SystemExit("fresh: --mean-target-from needs --pool (its clips give each caption's mean clip) and "
                         "--prediction v_prediction")
    # E[x0 | caption] for each caption form, in training latents: a short caption does not name the background, the
    # empty one names nothing
    means = data_torch.caption_means(*spec_means(pool)) * scaling if args.mean_target_from else None
    total = args.steps or 10 ** 9
    t0 = t_timing = time.time()
    last_save, losses, step, latent_var = time.time(), [], 0, None
    state_path = ckpt[:-3] + "-state.pt"  # weights, optimiser and EMA: --resume continues the run step for step
    if args.resume and os.path.exists(state_path):
        st = torch.load(state_path, map_location=dev)
        model.load_state_dict(st["model"])
        opt.load_state_dict(st["opt"])
        for k, v in st["ema"].items():
            ema.shadow[k].copy_(v)
        step, total = st["step"], st["total"]
        say(f"resumed at step {step}/{total}")
    model.train()
    while step < total:
        gen.manual_seed(C.SEED * 7919 + step)
        with torch.no_grad():
            if pool is None:
                clips, spec = data_torch.make_batch(gen, args.batch, C.FRAMES, C.SIZE)
                x = clips.reshape((-1,) + clips.shape[2:]).permute(0, 3, 1, 2) * 2 - 1  # (B*F, 3, H, W)
                mean, logvar = vae.encode(x)
                z = mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen, device=dev)
                z0 = z.reshape((args.batch, C.FRAMES) + z.shape[1:]).permute(0, 2, 1, 3, 4) * scaling
            else:
                idx = torch.randint(0, pool["mean"].shape[0], (args.batch,), generator=gen, device=dev)
                mean, logvar = pool["mean"][idx], pool["logvar"][idx]
                z0 = (mean + torch.exp(0.5 * logvar) * torch.randn(mean.shape, generator=gen, device=dev)) * scaling
                spec = tuple(v[idx] for v in pool["spec"])
            ids, form = data_torch.sample_captions(gen, table, spec)
            noise = torch.randn(z0.shape, generator=gen, device=dev)
            t = torch.randint(0, C.TRAIN_STEPS, (args.batch,), generator=gen, device=dev)
            if args.high_t_frac > 0:  # this share of the batch at t >= --high-t, where sampling decides the path
                high = torch.rand((args.batch,), generator=gen, device=dev) < args.high_t_frac
                t = torch.where(high, args.high_t + t % (C.TRAIN_STEPS - args.high_t), t)
            a = acp[t].view(-1, 1, 1, 1, 1)
            zt = a.sqrt() * z0 + (1 - a).sqrt() * noise
        if latent_var is None:
            latent_var = z0.pow(2).mean().item()  # E[z0^2] of the first batch: the SNR below is that of these latents
            say(f"latent mean square {latent_var:.4f}")
        pred = unet(zt, t, text(ids))
        snr = (a / (1 - a)).view(-1) * latent_var
        if args.prediction == "v_prediction":
            # v = sqrt(a) eps - sqrt(1 - a) x0 (Salimans & Ho 2022), plain MSE: its x0 weight is SNR + 1 >= 1, so high
            # noise is not down-weighted (min-SNR's v form, min(SNR, 5) / (SNR + 1), would weight it by SNR again)
            x0 = z0
            if means is not None:
                # where x_t holds almost nothing of the clip, E[x0 | x_t, caption] is about E[x0 | caption]: the spec's
                # mean clip is that target without the clip-to-clip spread that buries its direction-dependent part
                x0 = torch.where((t >= args.mean_target_from).view(-1, 1, 1, 1, 1), means[(form,) + tuple(spec)], z0)
            target, weight = a.sqrt() * noise - (1 - a).sqrt() * x0, torch.ones_like(snr)
        else:
            target, weight = noise, loss_weight(snr, args.high_noise_weight)
        loss = ((pred - target).pow(2).mean(dim=(1, 2, 3, 4)) * weight).mean()
        for gr in opt.param_groups:
            gr["lr"] = args.lr * lr_factor(step, total)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        step += 1
        ema.update(model, decay=min(args.ema_decay, (1 + step) / (10 + step)))
        losses.append(loss.detach())
        if step == TIMING_STEPS[0]:
            if dev.type == "cuda":
                torch.cuda.synchronize()
            t_timing = time.time()
        if step == TIMING_STEPS[1] and not args.steps:
            per_step = (time.time() - t_timing) / (TIMING_STEPS[1] - TIMING_STEPS[0])
            left = args.minutes * 60 - (time.time() - t0) - args.reserve
            total = step + max(0, int(left / per_step))
            say(f"{per_step * 1000:.1f} ms/step -> {total} steps in {args.minutes:g} min")
        if step % 200 == 0 or step == total:
            say(f"step {step}/{total} loss {torch.stack(losses).mean().item():.4f} "
                f"lr {opt.param_groups[0]['lr']:.2e} ({(time.time() - t0) / step * 1000:.1f} ms/step avg)")
            losses = []
        if time.time() - last_save > 60:
            save_ema(ckpt, ema, unet_cfg, scaling, step, total, args, trail, history)
            save_state(state_path, model, opt, ema, step, total)
            last_save = time.time()
    save_ema(ckpt, ema, unet_cfg, scaling, step, total, args, trail, history)
    save_state(state_path, model, opt, ema, step, total)
    say(f"stopped at step {step}, {(time.time() - t0) / 60:.1f} min; EMA weights in {ckpt}")
    return ckpt
