"""diffusers unet_3d_blocks.py + unet_3d_condition.py (UNet3DConditionModel, ModelScope text-to-video)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .attention import Transformer2DModel, TransformerTemporalModel
from .resnet import (Downsample2D, ResnetBlock2D, TemporalConvLayer, TimestepEmbedding, Upsample2D,
                     get_timestep_embedding)


def fourier_filter(x, threshold, scale):
    """diffusers utils/torch_utils.py fourier_filter (FreeU)."""
    dtype = x.dtype
    x = x.float()
    b, c, hh, ww = x.shape
    xf = torch.fft.fftshift(torch.fft.fftn(x, dim=(-2, -1)), dim=(-2, -1))
    mask = torch.ones((b, c, hh, ww), device=x.device)
    crow, ccol = hh // 2, ww // 2
    mask[..., crow - threshold:crow + threshold, ccol - threshold:ccol + threshold] = scale
    xf = torch.fft.ifftshift(xf * mask, dim=(-2, -1))
    return torch.fft.ifftn(xf, dim=(-2, -1)).real.to(dtype)


def apply_freeu(resolution_idx, h, res, freeu):
    """diffusers apply_freeu (v1): scale half the backbone channels, low-pass scale the skip (up blocks 0, 1)."""
    if freeu is None or resolution_idx not in (0, 1):
        return h, res
    b, s = (freeu["b1"], freeu["s1"]) if resolution_idx == 0 else (freeu["b2"], freeu["s2"])
    half = h.shape[1] // 2
    h = torch.cat([h[:, :half] * b, h[:, half:]], dim=1)
    return h, fourier_filter(res, 1, s)


class CrossAttnDownBlock3D(nn.Module):
    def __init__(self, in_channels, out_channels, temb_channels, num_layers, eps, groups, heads,
                 cross_attention_dim, add_downsample, downsample_padding=1):
        super().__init__()
        self.resnets, self.temp_convs = nn.ModuleList(), nn.ModuleList()
        self.attentions, self.temp_attentions = nn.ModuleList(), nn.ModuleList()
        for i in range(num_layers):
            cin = in_channels if i == 0 else out_channels
            self.resnets.append(ResnetBlock2D(cin, out_channels, temb_channels, groups, eps))
            self.temp_convs.append(TemporalConvLayer(out_channels, out_channels, 0.1, groups))
            self.attentions.append(Transformer2DModel(out_channels // heads, heads, out_channels,
                                                      cross_attention_dim, groups))
            # diffusers passes (out_channels // num_attention_heads, num_attention_heads) positionally to both
            # transformers, so the config's attention_head_dim (== num_attention_heads) acts as the head size.
            self.temp_attentions.append(TransformerTemporalModel(out_channels // heads, heads, out_channels, groups,
                                                                 cross_attention_dim))
        self.downsamplers = nn.ModuleList([Downsample2D(out_channels, downsample_padding)]) if add_downsample else None

    def forward(self, h, temb, ehs, num_frames):
        out = ()
        for resnet, tconv, attn, tattn in zip(self.resnets, self.temp_convs, self.attentions, self.temp_attentions):
            h = resnet(h, temb)
            h = tconv(h, num_frames)
            h = attn(h, ehs)
            h = tattn(h, num_frames)
            out += (h,)
        if self.downsamplers is not None:
            h = self.downsamplers[0](h)
            out += (h,)
        return h, out


class DownBlock3D(nn.Module):
    def __init__(self, in_channels, out_channels, temb_channels, num_layers, eps, groups, add_downsample,
                 downsample_padding=1):
        super().__init__()
        self.resnets, self.temp_convs = nn.ModuleList(), nn.ModuleList()
        for i in range(num_layers):
            cin = in_channels if i == 0 else out_channels
            self.resnets.append(ResnetBlock2D(cin, out_channels, temb_channels, groups, eps))
            self.temp_convs.append(TemporalConvLayer(out_channels, out_channels, 0.1, groups))
        self.downsamplers = nn.ModuleList([Downsample2D(out_channels, downsample_padding)]) if add_downsample else None

    def forward(self, h, temb, ehs, num_frames):
        out = ()
        for resnet, tconv in zip(self.resnets, self.temp_convs):
            h = tconv(resnet(h, temb), num_frames)
            out += (h,)
        if self.downsamplers is not None:
            h = self.downsamplers[0](h)
            out += (h,)
        return h, out


class UNetMidBlock3DCrossAttn(nn.Module):
    def __init__(self, in_channels, temb_channels, eps, groups, heads, cross_attention_dim, num_layers=1):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(in_channels, in_channels, temb_channels, groups, eps)])
        self.temp_convs = nn.ModuleList([TemporalConvLayer(in_channels, in_channels, 0.1, groups)])
        self.attentions, self.temp_attentions = nn.ModuleList(), nn.ModuleList()
        for _ in range(num_layers):
            self.attentions.append(Transformer2DModel(in_channels // heads, heads, in_channels,
                                                      cross_attention_dim, groups))
            self.temp_attentions.append(TransformerTemporalModel(in_channels // heads, heads, in_channels, groups,
                                                                 cross_attention_dim))
            self.resnets.append(ResnetBlock2D(in_channels, in_channels, temb_channels, groups, eps))
            self.temp_convs.append(TemporalConvLayer(in_channels, in_channels, 0.1, groups))

    def forward(self, h, temb, ehs, num_frames):
        h = self.temp_convs[0](self.resnets[0](h, temb), num_frames)
        for attn, tattn, resnet, tconv in zip(self.attentions, self.temp_attentions, self.resnets[1:],
                                              self.temp_convs[1:]):
            h = attn(h, ehs)
            h = tattn(h, num_frames)
            h = tconv(resnet(h, temb), num_frames)
        return h


class CrossAttnUpBlock3D(nn.Module):
    def __init__(self, in_channels, out_channels, prev_output_channel, temb_channels, num_layers, eps, groups, heads,
                 cross_attention_dim, add_upsample):
        super().__init__()
        self.resnets, self.temp_convs = nn.ModuleList(), nn.ModuleList()
        self.attentions, self.temp_attentions = nn.ModuleList(), nn.ModuleList()
        for i in range(num_layers):
            skip = in_channels if i == num_layers - 1 else out_channels
            cin = prev_output_channel if i == 0 else out_channels
            self.resnets.append(ResnetBlock2D(cin + skip, out_channels, temb_channels, groups, eps))
            self.temp_convs.append(TemporalConvLayer(out_channels, out_channels, 0.1, groups))
            self.attentions.append(Transformer2DModel(out_channels // heads, heads, out_channels,
                                                      cross_attention_dim, groups))
            self.temp_attentions.append(TransformerTemporalModel(out_channels // heads, heads, out_channels, groups,
                                                                 cross_attention_dim))
        self.upsamplers = nn.ModuleList([Upsample2D(out_channels)]) if add_upsample else None
        self.resolution_idx, self.freeu = None, None

    def forward(self, h, res, temb, ehs, num_frames, upsample_size=None):
        for resnet, tconv, attn, tattn in zip(self.resnets, self.temp_convs, self.attentions, self.temp_attentions):
            h, skip = apply_freeu(self.resolution_idx, h, res[-1], self.freeu)
            h = torch.cat([h, skip], dim=1)
            res = res[:-1]
            h = tconv(resnet(h, temb), num_frames)
            h = attn(h, ehs)
            h = tattn(h, num_frames)
        if self.upsamplers is not None:
            h = self.upsamplers[0](h, upsample_size)
        return h


class UpBlock3D(nn.Module):
    def __init__(self, in_channels, out_channels, prev_output_channel, temb_channels, num_layers, eps, groups,
                 add_upsample):
        super().__init__()
        self.resnets, self.temp_convs = nn.ModuleList(), nn.ModuleList()
        for i in range(num_layers):
            skip = in_channels if i == num_layers - 1 else out_channels
            cin = prev_output_channel if i == 0 else out_channels
            self.resnets.append(ResnetBlock2D(cin + skip, out_channels, temb_channels, groups, eps))
            self.temp_convs.append(TemporalConvLayer(out_channels, out_channels, 0.1, groups))
        self.upsamplers = nn.ModuleList([Upsample2D(out_channels)]) if add_upsample else None
        self.resolution_idx, self.freeu = None, None

    def forward(self, h, res, temb, ehs, num_frames, upsample_size=None):
        for resnet, tconv in zip(self.resnets, self.temp_convs):
            h, skip = apply_freeu(self.resolution_idx, h, res[-1], self.freeu)
            h = torch.cat([h, skip], dim=1)
            res = res[:-1]
            h = tconv(resnet(h, temb), num_frames)
        if self.upsamplers is not None:
            h = self.upsamplers[0](h, upsample_size)
        return h


UNET3D_DEFAULTS = dict(
    sample_size=None, in_channels=4, out_channels=4,
    down_block_types=["CrossAttnDownBlock3D", "CrossAttnDownBlock3D", "CrossAttnDownBlock3D", "DownBlock3D"],
    up_block_types=["UpBlock3D", "CrossAttnUpBlock3D", "CrossAttnUpBlock3D", "CrossAttnUpBlock3D"],
    block_out_channels=[320, 640, 1280, 1280], layers_per_block=2, downsample_padding=1, mid_block_scale_factor=1,
    act_fn="silu", norm_num_groups=32, norm_eps=1e-5, cross_attention_dim=1024, attention_head_dim=64,
    num_attention_heads=None, time_cond_proj_dim=None)


class UNet3DConditionModel(nn.Module):
    def __init__(self, **config):
        super().__init__()
        cfg = dict(UNET3D_DEFAULTS)
        cfg.update({k: v for k, v in config.items() if not k.startswith("_")})
        self.config = cfg
        assert cfg["act_fn"] == "silu" and cfg["mid_block_scale_factor"] == 1 and cfg["time_cond_proj_dim"] is None
        boc = cfg["block_out_channels"]
        heads = cfg["num_attention_heads"] or cfg["attention_head_dim"]  # diffusers: attention_head_dim == heads
        heads = [heads] * len(boc) if isinstance(heads, int) else list(heads)
        groups, eps, cad, lpb = cfg["norm_num_groups"], cfg["norm_eps"], cfg["cross_attention_dim"], cfg["layers_per_block"]
        temb = boc[0] * 4
        self.conv_in = nn.Conv2d(cfg["in_channels"], boc[0], 3, padding=1)
        self.time_proj_dim = boc[0]
        self.time_embedding = TimestepEmbedding(boc[0], temb)
        self.transformer_in = TransformerTemporalModel(8, cfg["attention_head_dim"], boc[0], groups)
        self.down_blocks = nn.ModuleList()
        out_ch = boc[0]
        for i, t in enumerate(cfg["down_block_types"]):
            in_ch, out_ch = out_ch, boc[i]
            last = i == len(boc) - 1
            if t == "CrossAttnDownBlock3D":
                blk = CrossAttnDownBlock3D(in_ch, out_ch, temb, lpb, eps, groups, heads[i], cad, not last,
                                           cfg["downsample_padding"])
            elif t == "DownBlock3D":
                blk = DownBlock3D(in_ch, out_ch, temb, lpb, eps, groups, not last, cfg["downsample_padding"])
            else:
                raise ValueError(t)
            self.down_blocks.append(blk)
        self.mid_block = UNetMidBlock3DCrossAttn(boc[-1], temb, eps, groups, heads[-1], cad)
        self.up_blocks = nn.ModuleList()
        self.num_upsamplers = 0
        rboc = list(reversed(boc))
        rheads = list(reversed(heads))
        out_ch = rboc[0]
        for i, t in enumerate(cfg["up_block_types"]):
            last = i == len(boc) - 1
            prev, out_ch = out_ch, rboc[i]
            in_ch = rboc[min(i + 1, len(boc) - 1)]
            if not last:
                self.num_upsamplers += 1
            if t == "CrossAttnUpBlock3D":
                blk = CrossAttnUpBlock3D(in_ch, out_ch, prev, temb, lpb + 1, eps, groups, rheads[i], cad, not last)
            elif t == "UpBlock3D":
                blk = UpBlock3D(in_ch, out_ch, prev, temb, lpb + 1, eps, groups, not last)
            else:
                raise ValueError(t)
            blk.resolution_idx = i
            self.up_blocks.append(blk)
        self.conv_norm_out = nn.GroupNorm(groups, boc[0], eps=eps)
        self.conv_out = nn.Conv2d(boc[0], cfg["out_channels"], 3, padding=1)

    def set_freeu(self, freeu):
        """freeu: None or {b1, b2, s1, s2} (diffusers enable_freeu / disable_freeu)."""
        for blk in self.up_blocks:
            blk.freeu = freeu

    def forward(self, sample, timestep, encoder_hidden_states):
        """sample (B, C, F, H, W); timestep scalar / (B,) ; encoder_hidden_states (B, L, D) -> (B, C, F, H, W)."""
        b, _, nf, hh, ww = sample.shape
        up_factor = 2 ** self.num_upsamplers
        forward_upsample_size = hh % up_factor != 0 or ww % up_factor != 0
        t = torch.as_tensor(timestep, device=sample.device)
        if t.ndim == 0:
            t = t[None]
        t = t.expand(b)
        emb = self.time_embedding(get_timestep_embedding(t, self.time_proj_dim, True, 0))
        emb = emb.repeat_interleave(nf, dim=0)
        ehs = encoder_hidden_states.repeat_interleave(nf, dim=0)
        h = sample.permute(0, 2, 1, 3, 4).reshape(b * nf, -1, hh, ww)
        h = self.conv_in(h)
        h = self.transformer_in(h, nf)
        res = (h,)
        for blk in self.down_blocks:
            h, r = blk(h, emb, ehs, nf)
            res += r
        h = self.mid_block(h, emb, ehs, nf)
        for i, blk in enumerate(self.up_blocks):
            last = i == len(self.up_blocks) - 1
            n = len(blk.resnets)
            r, res = res[-n:], res[:-n]
            size = res[-1].shape[2:] if (not last and forward_upsample_size) else None
            h = blk(h, r, emb, ehs, nf, size)
        h = self.conv_out(F.silu(self.conv_norm_out(h)))
        return h.reshape((b, nf) + h.shape[1:]).permute(0, 2, 1, 3, 4)
