"""The noise schedule and DDIM timesteps as diffusers' DDIMScheduler computes them (float32 torch), with or without
zero terminal SNR (rescale_betas_zero_snr, Lin et al. 2023) and with leading (ModelScope's) or trailing spacing."""
import numpy as np
import torch

import config as C


def rescale_zero_terminal_snr(betas):
    """diffusers' rescale_zero_terminal_snr (Algorithm 1 of the paper): shift and scale sqrt(alpha_bar) so the last
    is 0 and the first unchanged."""
    sq = torch.cumprod(1.0 - betas, dim=0).sqrt()
    s0, s_t = sq[0].clone(), sq[-1].clone()
    sq = (sq - s_t) * (s0 / (s0 - s_t))
    bar = sq ** 2
    return 1 - torch.cat([bar[0:1], bar[1:] / bar[:-1]])


def alphas_cumprod(zero_snr=False):
    """ModelScope's scaled_linear betas (0.00085..0.012, 1000 steps) in float32 -> alphas_cumprod (1000,)."""
    betas = torch.linspace(C.BETA_START ** 0.5, C.BETA_END ** 0.5, C.TRAIN_STEPS, dtype=torch.float32) ** 2
    if zero_snr:
        betas = rescale_zero_terminal_snr(betas)
    return torch.cumprod(1.0 - betas, 0)


def ddim_timesteps(steps, spacing="leading", steps_offset=1):
    """DDIMScheduler.set_timesteps: leading (ModelScope's, + steps_offset) or trailing (from 999 down)."""
    if spacing == "trailing":
        return (np.round(np.arange(C.TRAIN_STEPS, 0, -C.TRAIN_STEPS / steps)).astype(np.int64) - 1)
    ratio = C.TRAIN_STEPS // steps
    return (np.arange(0, steps) * ratio).round()[::-1].astype(np.int64) + steps_offset
