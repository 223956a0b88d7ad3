"""Procedural training clips rendered a batch at a time with torch on any device: data.py's distribution.

data.py draws and renders one clip at a time in numpy (the reference, used by the CPU stages); this
module renders thousands of clips per step on a GPU, where numpy could not keep up.
"""
import math

import torch

import data

COLOUR_NAMES = list(data.COLOURS)
BG_NAMES = list(data.BACKGROUNDS)
DIRECTION_NAMES = list(data.DIRECTIONS)
WHITE = COLOUR_NAMES.index("white")
WHITE_BG = BG_NAMES.index("white")


def render(shape, colour, direction, bg, r, travel, along, across, frames, size):
    """Index tensors (n,) and float tensors (n,) -> clips (n, F, H, W, 3) in [0, 1], as data.make_clip."""
    dev = r.device
    cols = torch.tensor(list(data.COLOURS.values()), device=dev)[colour]          # (n, 3)
    bgs = torch.tensor(list(data.BACKGROUNDS.values()), device=dev)[bg]           # (n, 3)
    dirs = torch.tensor(list(data.DIRECTIONS.values()), dtype=torch.float32, device=dev)[direction]  # (n, 2)
    dx, dy = dirs[:, 0], dirs[:, 1]
    horizontal = dx != 0
    x0 = torch.where(horizontal, along, across)
    y0 = torch.where(horizontal, across, along)
    frame = torch.arange(frames, device=dev, dtype=torch.float32)                # (F,)
    grid = torch.arange(size, device=dev, dtype=torch.float32) + 0.5
    rr = r[:, None, None, None]
    s = shape[:, None, None, None]
    out = bgs[:, None, None, None, :].expand(-1, frames, size, size, -1)
    for back, opacity in data.TRAIL + ((0.0, 1.0),):  # oldest trail copy first, the object itself last
        along_path = travel[:, None] * (frame - back) / (frames - 1)                # (n, F)
        cx = (x0[:, None] + dx[:, None] * along_path)[:, :, None, None]             # (n, F, 1, 1)
        cy = (y0[:, None] + dy[:, None] * along_path)[:, :, None, None]
        a = opacity * shape_alpha(s, grid[None, None, None, :] - cx, grid[None, None, :, None] - cy, rr)[..., None]
        out = out * (1 - a) + cols[:, None, None, None, :] * a
    return out


def shape_alpha(s, ddx, ddy, rr):
    """Anti-aliased coverage (n, F, H, W) of shape index s at offsets (ddx, ddy) from its centre (data.shape_alpha)."""
    circle = torch.sqrt(ddx * ddx + ddy * ddy) - rr
    square = torch.maximum(ddx.abs(), ddy.abs()) - rr * 0.85
    big_r = rr * 1.2
    n0, n1 = math.sqrt(3) / 2, -0.5
    triangle = torch.maximum(ddy - big_r * 0.5, torch.maximum(ddx * n0 + ddy * n1 - big_r * 0.5,
                                                             -ddx * n0 + ddy * n1 - big_r * 0.5))
    sd = torch.where(s == 0, circle, torch.where(s == 1, square, triangle))
    return (0.5 - sd).clamp(0.0, 1.0)


def clip_geometry(gen, direction, size):
    """The random size, travel and start of each clip, drawn as data.make_clip draws them."""
    n, dev = direction.shape[0], direction.device
    u = torch.rand((4, n), generator=gen, device=dev)
    r = 7.0 + 5.0 * u[0]
    travel = (0.45 + 0.25 * u[1]) * size
    dirs = torch.tensor(list(data.DIRECTIONS.values()), dtype=torch.float32, device=dev)[direction]
    backwards = (dirs[:, 0] < 0) | (dirs[:, 1] < 0)
    margin = r + 1.0
    lo = margin + torch.where(backwards, travel, torch.zeros_like(travel))
    hi = size - margin - torch.where(backwards, torch.zeros_like(travel), travel)
    along = lo + (torch.maximum(lo, hi) - lo) * u[2]
    across = margin + (size - 2 * margin) * u[3]
    return r, travel, along, across


def make_batch(gen, n, frames, size):
    """-> clips (n, F, H, W, 3) and the spec indices (shape, colour, direction, bg), each (n,)."""
    dev = gen.device
    shape = torch.randint(0, len(data.SHAPES), (n,), generator=gen, device=dev)
    colour = torch.randint(0, len(COLOUR_NAMES), (n,), generator=gen, device=dev)
    bg = torch.randint(0, len(BG_NAMES), (n,), generator=gen, device=dev)
    # no white object on a white background: redraw the colour of those clips
    for _ in range(64):
        clash = (colour == WHITE) & (bg == WHITE_BG)
        if not bool(clash.any()):
            break
        colour = torch.where(clash, torch.randint(0, len(COLOUR_NAMES), (n,), generator=gen, device=dev), colour)
    direction = torch.randint(0, len(DIRECTION_NAMES), (n,), generator=gen, device=dev)
    geometry = clip_geometry(gen, direction, size)
    return render(shape, colour, direction, bg, *geometry, frames, size), (shape, colour, direction, bg)


def spec_indices(specs, device="cpu"):
    """data.py's (colour, shape, direction, bg) tuples -> index tensors (shape, colour, direction, bg), (n,) each."""
    names = ((data.SHAPES, 1), (COLOUR_NAMES, 0), (DIRECTION_NAMES, 2), (BG_NAMES, 3))
    return tuple(torch.tensor([n.index(s[k]) for s in specs], device=device) for n, k in names)


def caption_table(tokenize):
    """Token ids of every caption, indexed [form, shape, colour, direction, bg] with form 0 empty, 1 short, 2 long."""
    rows = []
    for form in ("empty", "short", "long"):
        for s in data.SHAPES:
            for c in COLOUR_NAMES:
                for d in DIRECTION_NAMES:
                    for b in BG_NAMES:
                        rows.append(tokenize(data.caption(c, s, d, b, form=form)))
    ids = torch.tensor(rows)
    return ids.reshape(3, len(data.SHAPES), len(COLOUR_NAMES), len(DIRECTION_NAMES), len(BG_NAMES), -1)


def sample_captions(gen, table, spec):
    """Captions of the spec in forms drawn with data.py's probabilities -> (token ids, form: 0 empty, for
    classifier-free guidance, 1 short, 2 long)."""
    shape, colour, direction, bg = spec
    u = torch.rand(shape.shape, generator=gen, device=shape.device)
    form = torch.where(u < data.P_EMPTY, 0, torch.where(u < data.P_EMPTY + data.P_SHORT, 1, 2))
    return table[form, shape, colour, direction, bg], form


def weighted_mean(means, counts, dims):
    """The count-weighted mean of per-spec mean clips over the spec axes dims (kept as size 1)."""
    w = counts.to(means.dtype).view(counts.shape + (1,) * (means.dim() - counts.dim()))
    return (means * w).sum(dims, keepdim=True) / w.sum(dims, keepdim=True).clamp(min=1)


def caption_means(means, counts):
    """E[x0 | caption] per caption form from per-spec mean clips (shape, colour, direction, bg, ...) and how often each
    spec is drawn -> (3, shape, colour, direction, bg, ...) indexed like caption_table: long captions name the spec, short
    ones leave the background out (its count-weighted mean), the empty caption names nothing (the mean clip)."""
    short, empty = weighted_mean(means, counts, 3), weighted_mean(means, counts, (0, 1, 2, 3))
    return torch.stack([empty.expand_as(means), short.expand_as(means), means])
