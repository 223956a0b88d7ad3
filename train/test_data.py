"""data_torch.py renders what data.py renders, from the same geometry, and keeps objects inside the frame.

Run: /usr/bin/python3 train/test_data.py   (exit code 1 when a check fails)
"""
import itertools
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import data  # noqa: E402
import data_torch as T  # noqa: E402
from checks import check, finish  # noqa: E402


rng = np.random.default_rng(3)
for data.TRAIL in ((), data.MOTION_TRAIL):
    worst = 0.0
    for shape, colour, direction, bg in itertools.product(data.SHAPES, data.COLOURS, data.DIRECTIONS,
                                                          data.BACKGROUNDS):
        geometry = data.draw_geometry(rng, direction, 64)
        ref = data.render_clip(colour, shape, direction, bg, *geometry)
        idx = lambda names, v: torch.tensor([names.index(v)])  # noqa: E731
        got = T.render(idx(data.SHAPES, shape), idx(T.COLOUR_NAMES, colour), idx(T.DIRECTION_NAMES, direction),
                       idx(T.BG_NAMES, bg), *(torch.tensor([float(g)]) for g in geometry), 8, 64)[0].numpy()
        worst = max(worst, float(np.abs(got - ref).max()))
    check(f"render == data.render_clip (180 specs, trail {bool(data.TRAIL)})", worst < 1e-5, f"max abs {worst:.2e}")
data.TRAIL = ()

gen = torch.Generator().manual_seed(0)
clips, (shape, colour, direction, bg) = T.make_batch(gen, 2000, 8, 64)
check("no white object on a white background", not bool(((colour == T.WHITE) & (bg == T.WHITE_BG)).any()))
check("every colour, shape, direction and background drawn",
      all(len(torch.unique(v)) == n for v, n in ((shape, 3), (colour, 5), (direction, 4), (bg, 3))))
r, travel, along, across = T.clip_geometry(torch.Generator().manual_seed(1), direction, 64)
dirs = torch.tensor(list(data.DIRECTIONS.values()), dtype=torch.float32)[direction]
end = along + (dirs[:, 0] + dirs[:, 1]) * travel
inside = lambda p: (p >= r + 1 - 1e-4) & (p <= 64 - r - 1 + 1e-4)  # noqa: E731
fits = 2 * (r + 1) + travel <= 64  # as in data.py, a clip whose travel does not fit starts at the edge
check("start and end inside the frame where the travel fits",
      bool(inside(across).all() & (inside(along) & inside(end))[fits].all()), f"{int(fits.sum())} fit")
check("radius and travel ranges", bool((r >= 7).all() & (r <= 12).all() & (travel >= 0.45 * 64).all()
                                       & (travel <= 0.7 * 64).all()))
# the object (pixels unlike the background) moves the way the caption says
first, last = clips[:, 0], clips[:, -1]
bgc = clips[:, 0, :1, :1, :]
ok = 0
for i in range(200):
    m0 = (first[i] - bgc[i]).abs().amax(-1) > 0.25
    m1 = (last[i] - bgc[i]).abs().amax(-1) > 0.25
    ys0, xs0 = torch.nonzero(m0, as_tuple=True)
    ys1, xs1 = torch.nonzero(m1, as_tuple=True)
    d = (xs1.float().mean() - xs0.float().mean(), ys1.float().mean() - ys0.float().mean())
    want = dirs[i]
    ok += bool((d[0] * want[0] + d[1] * want[1]) > 20)
check("centroids move the captioned way", ok == 200, f"{ok}/200")

# the motion trail lies behind the object: every frame's coloured pixels sit back from its centre, against the motion
behind, data.TRAIL = 0, data.MOTION_TRAIL
for i in range(50):
    spec = (data.SHAPES[shape[i]], T.COLOUR_NAMES[colour[i]], T.DIRECTION_NAMES[direction[i]], T.BG_NAMES[bg[i]])
    geometry = data.draw_geometry(rng, spec[2], 64)
    clip = data.render_clip(spec[1], spec[0], spec[2], spec[3], *geometry)
    r_, travel_, along_, _ = geometry
    mid = clip[4]  # a middle frame: its trail is inside the frame
    ys, xs = np.nonzero(np.abs(mid - clip[0, :1, :1]).max(-1) > 0.05)
    centroid_along = xs.mean() + 0.5 if dirs[i, 0] != 0 else ys.mean() + 0.5
    centre_along = along_ + (dirs[i, 0] + dirs[i, 1]).item() * travel_ * 4 / 7
    behind += bool((centroid_along - centre_along) * (dirs[i, 0] + dirs[i, 1]).item() < -0.5)
data.TRAIL = ()
check("the trail lies behind the object", behind == 50, f"{behind}/50")

table = T.caption_table(lambda s: [len(s)] * 4)
ids, drawn_forms = T.sample_captions(torch.Generator().manual_seed(2), table, (shape, colour, direction, bg))
forms = torch.tensor([0 if v[0] == 0 else (1 if v[0] < 35 else 2) for v in ids.tolist()])
share = [(forms == f).float().mean().item() for f in range(3)]
check("caption forms ~ 10% empty / 40% short / 50% long", abs(share[0] - 0.1) < 0.03 and abs(share[1] - 0.4) < 0.04,
      f"{share}")
s0, c0, d0, b0 = shape[0].item(), colour[0].item(), direction[0].item(), bg[0].item()
check("caption table order", table[2, s0, c0, d0, b0, 0].item() == len(
    data.caption(T.COLOUR_NAMES[c0], data.SHAPES[s0], T.DIRECTION_NAMES[d0], T.BG_NAMES[b0])))

# caption_means: E[x0 | caption] per form from per-spec means and counts (a spec never drawn has no weight)
g = torch.Generator().manual_seed(4)
means, counts = torch.randn((3, 5, 4, 3, 2), generator=g), torch.randint(0, 4, (3, 5, 4, 3), generator=g)
cm = T.caption_means(means, counts)
w = counts.float()[..., None]
want_short = (means[1, 2, 3] * w[1, 2, 3]).sum(0) / w[1, 2, 3].sum().clamp(min=1)
check("caption_means: long = the spec's mean", torch.equal(cm[2], means))
check("caption_means: short = the count-weighted mean over backgrounds",
      all(torch.allclose(cm[1, 1, 2, 3, b], want_short, atol=1e-6) for b in range(3)))
check("caption_means: empty = the count-weighted mean clip",
      torch.allclose(cm[0, 0, 0, 0, 0], (means * w).sum((0, 1, 2, 3)) / w.sum(), atol=1e-6))
check("sample_captions returns the forms it drew", torch.equal(ids, table[drawn_forms, shape, colour, direction, bg])
      and torch.equal(drawn_forms, forms))

finish()
