"""Direction learnability with diffusion, cheaply: the U-Net + text encoder trained from scratch on clips average-pooled
to a low-resolution pixel "latent" (no VAE), zero terminal SNR + v-prediction, sampled with trailing DDIM.

A stand-in for a VAE's latents that isolates the data design: `--down 8` is the shipped 8x VAE's 8x8 grid (4-6 px of
motion per frame = 0.5-0.75 grid pixel), `--down 4` a 4x VAE's 16x16 grid (1-1.5 grid pixels per frame). `--paths
tied` is the shipped geometry (travel 45-70% of the frame, so the start follows the direction), `short` travels
20-30% from a start drawn over most of the frame (direction is then a relative, frame-to-frame signal).

  /usr/bin/python3 train/learn.py --down 4 --paths short --steps 1500 --tag d4-short

--mean-target-from T takes, for t >= T, the spec's mean clip as x0 in the v target (fresh.py's option of the same name:
at high noise E[x0 | x_t, caption] is about E[x0 | caption], and the mean leaves out the clip-to-clip spread that buries
the direction-dependent part of each clip's target; train/README, fourth sitting).
"""
import argparse
import itertools
import os
import sys
import time

import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import config as C  # noqa: E402
import data  # noqa: E402
import data_torch  # noqa: E402
import schedule  # noqa: E402
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from parts import tokenizer  # noqa: E402

TRAVEL = {"tied": (0.45, 0.7), "short": (0.2, 0.3)}
FRAMES = C.FRAMES  # --frames
DEV = torch.device("cpu")  # --device: the networks run there; clips are drawn on the CPU (the same on any device)
FIXED = None  # --fixed: (shape, colour, bg) indices; then only the direction varies
SCALE = 2.0  # pixels in [-1, 1] times this: about unit variance on a grey background, the SNR of real latents


def geometry(gen, direction, size, paths):
    """data_torch.clip_geometry with the travel range of `paths` (start always drawn so the path stays in frame)."""
    n = direction.shape[0]
    u = torch.rand((4, n), generator=gen)
    lo_t, hi_t = TRAVEL[paths]
    r, travel = 7.0 + 5.0 * u[0], (lo_t + (hi_t - lo_t) * u[1]) * size
    dirs = torch.tensor(list(data.DIRECTIONS.values()), dtype=torch.float32)[direction]
    backwards = (dirs[:, 0] < 0) | (dirs[:, 1] < 0)
    margin = r + 1.0
    lo = margin + torch.where(backwards, travel, torch.zeros_like(travel))
    hi = size - margin - torch.where(backwards, torch.zeros_like(travel), travel)
    return r, travel, lo + (torch.maximum(lo, hi) - lo) * u[2], margin + (size - 2 * margin) * u[3]


def make_batch(gen, n, down, paths, spec=None):
    """-> grid clips (n, 3, F, 64/down, 64/down) scaled, and the spec (shape, colour, direction, bg)."""
    if spec is None:
        _, spec = data_torch.make_batch(gen, n, 2, 8)  # the spec draw only (tiny render, discarded)
        if FIXED is not None:
            spec = (torch.full((n,), FIXED[0]), torch.full((n,), FIXED[1]), spec[2], torch.full((n,), FIXED[2]))
    shape, colour, direction, bg = spec
    clips = data_torch.render(shape, colour, direction, bg, *geometry(gen, direction, C.SIZE, paths), FRAMES, C.SIZE)
    x = clips.permute(0, 1, 4, 2, 3).reshape(n * FRAMES, 3, C.SIZE, C.SIZE)
    x = F.avg_pool2d(x * 2 - 1, down)
    return x.reshape(n, FRAMES, 3, C.SIZE // down, C.SIZE // down).permute(0, 2, 1, 3, 4) * SCALE, spec


@torch.no_grad()
def spec_means(down, paths, per_spec=32, chunk=240):
    """Mean grid clip of every (shape, colour, direction, bg) the batches draw, each from per_spec renders -> (3, 5, 4,
    3, 3, F, h, w), and 1 for those specs (0 for the others) as data_torch.caption_means' counts."""
    dims = (len(data.SHAPES), len(data_torch.COLOUR_NAMES), len(data_torch.DIRECTION_NAMES), len(data_torch.BG_NAMES))
    specs = [q for q in itertools.product(*map(range, dims)) if FIXED is None or (q[0], q[1], q[3]) == FIXED]
    specs = [q for q in specs if not (q[1] == data_torch.WHITE and q[3] == data_torch.WHITE_BG)]  # never drawn
    h = C.SIZE // down
    means, drawn = torch.zeros(dims + (3, FRAMES, h, h)), torch.zeros(dims)
    gen = torch.Generator().manual_seed(C.SEED * 31)
    rows = [q for q in specs for _ in range(per_spec)]
    for i in range(0, len(rows), chunk):
        part = rows[i:i + chunk]
        clips, _ = make_batch(gen, len(part), down, paths, tuple(torch.tensor(v) for v in zip(*part)))
        for q, clip in zip(part, clips):
            means[q] += clip / per_spec
            drawn[q] = 1
    return means, drawn


def read(clips, bg_idx):
    """Grid clips -> (colour index, direction index) per clip by the bench's reading (object mask, centroids)."""
    bgs = torch.tensor(list(data.BACKGROUNDS.values()))[bg_idx] * 2 - 1
    cols = torch.tensor(list(data.COLOURS.values())) * 2 - 1
    x = clips / SCALE  # (n, 3, F, h, w) in about [-1, 1]
    d = (x - bgs[:, :, None, None, None]).pow(2).sum(1).sqrt()  # (n, F, h, w)
    mask = d > 0.5
    w = mask.float()
    h = x.shape[-1]
    g = torch.arange(h, dtype=torch.float32) + 0.5
    mass = w.sum((2, 3)).clamp(min=1e-6)
    cx, cy = (w * g).sum((2, 3)) / mass, (w * g[:, None]).sum((2, 3)) / mass
    mean = (x * w[:, None]).sum((2, 3, 4)) / w.sum((1, 2, 3)).clamp(min=1e-6)[:, None]
    colour = (mean[:, None] - cols[None]).pow(2).sum(-1).argmin(1)
    dx, dy = cx[:, -1] - cx[:, 0], cy[:, -1] - cy[:, 0]
    names = list(data.DIRECTIONS)
    direction = torch.where(dx.abs() >= dy.abs(), torch.where(dx < 0, names.index("left"), names.index("right")),
                            torch.where(dy < 0, names.index("up"), names.index("down")))
    return colour, direction


@torch.no_grad()
def evaluate(unet, text, table, acp, down, steps=10, guidance=5.0, seed=0):
    """Samples every colour x shape x direction long caption, the background cycling through black, white and grey
    (grey for white objects) -> colour, direction and both accuracy (an unreadable clip counts as wrong)."""
    cases = [(s, c, d, (s + c + d) % 3) for s, c, d in itertools.product(range(3), range(5), range(4))]
    cases = [(s, c, d, 2 if (c == data_torch.WHITE and b == data_torch.WHITE_BG) else b) for s, c, d, b in cases]
    if FIXED is not None:
        cases = [(FIXED[0], FIXED[1], d, FIXED[2]) for d in range(4) for _ in range(15)]
    idx = [torch.tensor(v) for v in zip(*cases)]
    n = len(cases)
    ids = table[2, idx[0], idx[1], idx[2], idx[3]]
    ehs = torch.cat([text(table[0, 0, 0, 0, 0][None].expand(n, -1).to(DEV)), text(ids.to(DEV))])
    x = torch.randn((n, 3, FRAMES, C.SIZE // down, C.SIZE // down), generator=torch.Generator().manual_seed(seed))
    x, acp = x.to(DEV), acp.to(DEV)
    ts = schedule.ddim_timesteps(steps, "trailing")
    for t in ts:
        v = unet(torch.cat([x, x]), torch.full((2 * n,), int(t), device=DEV), ehs)
        vu, vc = v.chunk(2)
        v = vu + guidance * (vc - vu)
        a = acp[t]
        prev = t - C.TRAIN_STEPS // steps
        ap = acp[prev] if prev >= 0 else acp[0]
        x0, eps = a.sqrt() * x - (1 - a).sqrt() * v, (1 - a).sqrt() * x + a.sqrt() * v
        x = ap.sqrt() * x0 + (1 - ap).sqrt() * eps
    colour, direction = read(x.cpu(), idx[3])
    return (colour == idx[1]).float().mean().item(), (direction == idx[2]).float().mean().item(), \
        ((colour == idx[1]) & (direction == idx[2])).float().mean().item()


@torch.no_grad()
def flipped(unet, text, table, acp, down, paths, ts=(999, 899, 799, 699, 599), n=64):
    """x0 MSE with the opposite direction word over the MSE with the right one, per t (1.0 = the word is ignored)."""
    gen = torch.Generator().manual_seed(5)
    z0, spec = make_batch(gen, n, down, paths)
    shape, colour, direction, bg = spec
    opposite = torch.tensor([1, 0, 3, 2])  # left<->right, up<->down in data.DIRECTIONS order
    out = []
    for t in ts:
        a = acp[t]
        xt = (a.sqrt() * z0 + (1 - a).sqrt() * torch.randn(z0.shape, generator=gen)).to(DEV)
        mse = []
        for d in (direction, opposite[direction]):
            v = unet(xt, torch.full((n,), t, device=DEV), text(table[2, shape, colour, d, bg].to(DEV)))
            mse.append((a.sqrt() * xt - (1 - a).sqrt() * v - z0.to(DEV)).pow(2).mean().item())
        out.append(mse[1] / mse[0])
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--down", type=int, default=4, choices=[4, 8])
    ap.add_argument("--paths", default="short", choices=sorted(TRAVEL))
    ap.add_argument("--frames", type=int, default=C.FRAMES)
    ap.add_argument("--steps", type=int, default=1500)
    ap.add_argument("--batch", type=int, default=16)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--every", type=int, default=250)
    ap.add_argument("--channels", default="16,32,64", help="block_out_channels (one CrossAttn block per entry)")
    ap.add_argument("--fixed", default="", help="shape,colour,background (e.g. circle,white,black): only the "
                    "direction varies, the easiest test of whether it can be learned at all")
    ap.add_argument("--device", default="cpu")
    ap.add_argument("--mean-target-from", type=int, default=0, help="for t >= this, the spec's mean clip is x0 in the "
                    "v target (0: off)")
    ap.add_argument("--tag", default="")
    args = ap.parse_args()
    global FRAMES, FIXED, DEV
    FRAMES, DEV = args.frames, torch.device(args.device)
    if args.fixed:
        sh, co, bg = args.fixed.split(",")
        FIXED = (data.SHAPES.index(sh), data_torch.COLOUR_NAMES.index(co), data_torch.BG_NAMES.index(bg))
    torch.set_num_threads(1)
    work = os.path.join(HERE, "work")
    os.makedirs(work, exist_ok=True)
    name = args.tag or (f"d{args.down}-{args.paths}-f{args.frames}" + ("-fixed" if args.fixed else "")
                        + (f"-mt{args.mean_target_from}" if args.mean_target_from else ""))
    ckpt = os.path.join(work, f"learn-{name}.pt")
    chans = [int(c) for c in args.channels.split(",")]
    cfg = dict(C.UNET, block_out_channels=chans, in_channels=3, out_channels=3, sample_size=C.SIZE // args.down,
               down_block_types=["CrossAttnDownBlock3D"] * (len(chans) - 1) + ["DownBlock3D"],
               up_block_types=["UpBlock3D"] + ["CrossAttnUpBlock3D"] * (len(chans) - 1))
    torch.manual_seed(C.SEED)
    unet, text = UNet3DConditionModel(**cfg).to(DEV), CLIPTextModel(**C.TEXT).to(DEV)
    params = list(unet.parameters()) + list(text.parameters())
    opt = torch.optim.AdamW(params, lr=args.lr, weight_decay=1e-2)
    table = data_torch.caption_table(tokenizer())
    acp = schedule.alphas_cumprod(zero_snr=True)
    means = data_torch.caption_means(*spec_means(args.down, args.paths)) if args.mean_target_from else None
    step = 0
    if os.path.exists(ckpt):  # resume: every step draws its data from SEED + step, so the run continues exactly
        st = torch.load(ckpt, map_location=DEV)
        unet.load_state_dict(st["unet"])
        text.load_state_dict(st["text"])
        opt.load_state_dict(st["opt"])
        step = st["step"]
    print(f"{ckpt}: {sum(p.numel() for p in params) / 1e6:.2f} M params, grid {C.SIZE // args.down}, "
          f"paths {args.paths}, {FRAMES} frames, from step {step}", flush=True)
    t0, losses = time.time(), []
    while step <= args.steps:
        if step % args.every == 0 and step > 0:
            unet.eval(), text.eval()
            col, dir_, both = evaluate(unet, text, table, acp, args.down)
            ratios = flipped(unet, text, table, acp, args.down, args.paths)
            unet.train(), text.train()
            loss = sum(losses) / len(losses) if losses else float("nan")
            print(f"step {step}: loss {loss:.4f}, sampled colour {col:.1%} direction {dir_:.1%} both {both:.1%}, "
                  f"flipped t=999..599 {' '.join(f'{r:.3f}' for r in ratios)}, {time.time() - t0:.0f}s", flush=True)
            losses = []
        if step % 50 == 0 or step == args.steps:
            print(f"  step {step}, {time.time() - t0:.0f}s", flush=True)
            torch.save({"unet": unet.state_dict(), "text": text.state_dict(), "opt": opt.state_dict(),
                        "step": step, "args": vars(args)}, ckpt + ".tmp")
            os.replace(ckpt + ".tmp", ckpt)
        if step == args.steps:
            break
        gen = torch.Generator().manual_seed(C.SEED * 7919 + step)
        z0, spec = make_batch(gen, args.batch, args.down, args.paths)
        ids, form = data_torch.sample_captions(gen, table, spec)
        noise = torch.randn(z0.shape, generator=gen)
        t = torch.randint(0, C.TRAIN_STEPS, (args.batch,), generator=gen)
        a = acp[t].view(-1, 1, 1, 1, 1)
        x0 = z0 if means is None else torch.where((t >= args.mean_target_from).view(-1, 1, 1, 1, 1),
                                                  means[(form,) + tuple(spec)], z0)
        xt, target = a.sqrt() * z0 + (1 - a).sqrt() * noise, a.sqrt() * noise - (1 - a).sqrt() * x0
        v = unet(xt.to(DEV), t.to(DEV), text(ids.to(DEV)))
        loss = (v - target.to(DEV)).pow(2).mean()
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / 100)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        losses.append(loss.item())
        step += 1


if __name__ == "__main__":
    main()
