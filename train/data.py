"""Procedural training clips: a flat shape of one colour moving in one direction over a flat background.

Everything is seeded (numpy Generator); frames are float32 RGB in [0, 1], shape (F, H, W, 3).
"""
import numpy as np

COLOURS = {"red": (1.0, 0.0, 0.0), "green": (0.0, 1.0, 0.0), "blue": (0.0, 0.0, 1.0),
           "yellow": (1.0, 1.0, 0.0), "white": (1.0, 1.0, 1.0)}
BACKGROUNDS = {"black": (0.0, 0.0, 0.0), "white": (1.0, 1.0, 1.0), "grey": (0.5, 0.5, 0.5)}
SHAPES = ["circle", "square", "triangle"]
DIRECTIONS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}

# Optional motion trail (train.py --trail): fading copies of the object behind it, (distance back in frame steps,
# opacity), so that a lone frame shows which way the object moves, as its outline shows its shape. The renderers
# here and in data_torch.py draw data.TRAIL; the shipped model was trained without it.
MOTION_TRAIL = ((1.8, 0.15), (1.2, 0.3), (0.6, 0.5))
TRAIL = ()

P_SHORT = 0.4   # caption without the background clause
P_EMPTY = 0.1   # empty caption (classifier-free guidance)


def caption(colour, shape, direction, bg, form="long"):
    if form == "empty":
        return ""
    if form == "short":
        return f"a {colour} {shape} moving {direction}"
    return f"a {colour} {shape} moving {direction} on a {bg} background"


def shape_alpha(shape, cx, cy, r, size):
    """Anti-aliased coverage (H, W) of a shape centred at (cx, cy) with 'radius' r (pixels)."""
    ys, xs = np.mgrid[0:size, 0:size].astype(np.float32) + 0.5
    dx, dy = xs - cx, ys - cy
    if shape == "circle":
        sd = np.sqrt(dx * dx + dy * dy) - r
    elif shape == "square":
        s = r * 0.85
        sd = np.maximum(np.abs(dx), np.abs(dy)) - s
    elif shape == "triangle":
        # upward equilateral triangle with circumradius ~1.15 r, centroid at (cx, cy)
        R = r * 1.2
        # half-planes: bottom edge, and the two slanted edges (unit normals)
        d_bottom = dy - R * 0.5
        n = np.array([np.sqrt(3) / 2, -0.5], np.float32)
        d_right = dx * n[0] + dy * n[1] - R * 0.5
        d_left = -dx * n[0] + dy * n[1] - R * 0.5
        sd = np.maximum(d_bottom, np.maximum(d_right, d_left))
    else:
        raise ValueError(shape)
    return np.clip(0.5 - sd, 0.0, 1.0)


def draw_geometry(rng, direction, size):
    """Radius, travel over the clip, and start (along and across the motion), all in pixels."""
    r = rng.uniform(7.0, 12.0)
    travel = rng.uniform(0.45, 0.7) * size          # total distance over the clip
    dx, dy = DIRECTIONS[direction]
    margin = r + 1.0
    # start so that start and end both stay inside the frame
    lo = margin + (travel if (dx < 0 or dy < 0) else 0.0)
    hi = size - margin - (travel if (dx > 0 or dy > 0) else 0.0)
    along = rng.uniform(lo, max(lo, hi))
    across = rng.uniform(margin, size - margin)
    return r, travel, along, across


def render_clip(colour, shape, direction, bg, r, travel, along, across, frames=8, size=64):
    dx, dy = DIRECTIONS[direction]
    x0, y0 = (along, across) if dx != 0 else (across, along)
    col = np.array(COLOURS[colour], np.float32)
    bgc = np.array(BACKGROUNDS[bg], np.float32)
    out = np.empty((frames, size, size, 3), np.float32)
    step = travel / (frames - 1)
    for f in range(frames):
        out[f] = bgc
        for back, opacity in TRAIL + ((0.0, 1.0),):  # oldest copy first, the object itself last
            along_path = step * (f - back)
            a = opacity * shape_alpha(shape, x0 + dx * along_path, y0 + dy * along_path, r, size)[..., None]
            out[f] = out[f] * (1 - a) + col * a
    return out


def make_clip(rng, colour, shape, direction, bg, frames=8, size=64):
    geometry = draw_geometry(rng, direction, size)
    return render_clip(colour, shape, direction, bg, *geometry, frames=frames, size=size)


def sample_spec(rng):
    while True:
        colour = list(COLOURS)[rng.integers(len(COLOURS))]
        bg = list(BACKGROUNDS)[rng.integers(len(BACKGROUNDS))]
        if not (colour == "white" and bg == "white"):
            break
    shape = SHAPES[rng.integers(len(SHAPES))]
    direction = list(DIRECTIONS)[rng.integers(len(DIRECTIONS))]
    return colour, shape, direction, bg


def sample_caption(rng, spec):
    u = rng.random()
    form = "empty" if u < P_EMPTY else ("short" if u < P_EMPTY + P_SHORT else "long")
    return caption(*spec, form=form)


def make_batch(rng, n, frames=8, size=64):
    """-> clips (n, F, H, W, 3) float32 in [0, 1], specs list of (colour, shape, direction, bg)."""
    specs = [sample_spec(rng) for _ in range(n)]
    clips = np.stack([make_clip(rng, *s, frames=frames, size=size) for s in specs])
    return clips, specs


if __name__ == "__main__":
    import time
    rng = np.random.default_rng(0)
    t = time.time()
    clips, specs = make_batch(rng, 64)
    print(clips.shape, f"{(time.time() - t) / 64 * 1000:.1f} ms/clip", specs[:3])
    print([sample_caption(rng, s) for s in specs[:6]])
