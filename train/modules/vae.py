"""diffusers autoencoders/vae.py Encoder/Decoder + autoencoder_kl.py AutoencoderKL (mid-block attention on)."""
import torch
import torch.nn as nn
import torch.nn.functional as F

from .resnet import Downsample2D, ResnetBlock2D, Upsample2D


class VAEAttention(nn.Module):
    """diffusers Attention as built for the VAE mid block: group_norm, one head, biases, residual."""

    def __init__(self, channels, groups, eps=1e-6):
        super().__init__()
        self.group_norm = nn.GroupNorm(groups, channels, eps=eps)
        self.to_q = nn.Linear(channels, channels)
        self.to_k = nn.Linear(channels, channels)
        self.to_v = nn.Linear(channels, channels)
        self.to_out = nn.ModuleList([nn.Linear(channels, channels), nn.Dropout(0.0)])
        self.scale = channels ** -0.5

    def forward(self, x):
        b, c, hh, ww = x.shape
        residual = x
        h = self.group_norm(x.view(b, c, hh * ww)).transpose(1, 2)
        q, k, v = self.to_q(h), self.to_k(h), self.to_v(h)
        attn = torch.softmax(torch.bmm(q, k.transpose(1, 2)) * self.scale, dim=-1)
        h = self.to_out[0](torch.bmm(attn, v))
        h = h.transpose(1, 2).reshape(b, c, hh, ww)
        return h + residual


class UNetMidBlock2D(nn.Module):
    def __init__(self, channels, groups, eps=1e-6, add_attention=True):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(channels, channels, None, groups, eps),
                                      ResnetBlock2D(channels, channels, None, groups, eps)])
        self.attentions = nn.ModuleList([VAEAttention(channels, groups, eps)]) if add_attention else None

    def forward(self, x):
        x = self.resnets[0](x)
        if self.attentions is not None:
            x = self.attentions[0](x)
        return self.resnets[1](x)


class DownEncoderBlock2D(nn.Module):
    def __init__(self, cin, cout, num_layers, groups, add_downsample):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(cin if i == 0 else cout, cout, None, groups, 1e-6)
                                      for i in range(num_layers)])
        self.downsamplers = nn.ModuleList([Downsample2D(cout, padding=0)]) if add_downsample else None

    def forward(self, x):
        for r in self.resnets:
            x = r(x)
        if self.downsamplers is not None:
            x = self.downsamplers[0](x)
        return x


class UpDecoderBlock2D(nn.Module):
    def __init__(self, cin, cout, num_layers, groups, add_upsample):
        super().__init__()
        self.resnets = nn.ModuleList([ResnetBlock2D(cin if i == 0 else cout, cout, None, groups, 1e-6)
                                      for i in range(num_layers)])
        self.upsamplers = nn.ModuleList([Upsample2D(cout)]) if add_upsample else None

    def forward(self, x):
        for r in self.resnets:
            x = r(x)
        if self.upsamplers is not None:
            x = self.upsamplers[0](x)
        return x


class Encoder(nn.Module):
    def __init__(self, in_channels, latent_channels, boc, layers_per_block, groups, mid_attention=True):
        super().__init__()
        self.conv_in = nn.Conv2d(in_channels, boc[0], 3, padding=1)
        self.down_blocks = nn.ModuleList()
        out = boc[0]
        for i, c in enumerate(boc):
            cin, out = out, c
            self.down_blocks.append(DownEncoderBlock2D(cin, out, layers_per_block, groups, i != len(boc) - 1))
        self.mid_block = UNetMidBlock2D(boc[-1], groups, add_attention=mid_attention)
        self.conv_norm_out = nn.GroupNorm(groups, boc[-1], eps=1e-6)
        self.conv_out = nn.Conv2d(boc[-1], 2 * latent_channels, 3, padding=1)

    def forward(self, x):
        x = self.conv_in(x)
        for b in self.down_blocks:
            x = b(x)
        x = self.mid_block(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


class Decoder(nn.Module):
    def __init__(self, latent_channels, out_channels, boc, layers_per_block, groups, mid_attention=True):
        super().__init__()
        self.conv_in = nn.Conv2d(latent_channels, boc[-1], 3, padding=1)
        self.mid_block = UNetMidBlock2D(boc[-1], groups, add_attention=mid_attention)
        self.up_blocks = nn.ModuleList()
        rb = list(reversed(boc))
        out = rb[0]
        for i, c in enumerate(rb):
            prev, out = out, c
            self.up_blocks.append(UpDecoderBlock2D(prev, out, layers_per_block + 1, groups, i != len(boc) - 1))
        self.conv_norm_out = nn.GroupNorm(groups, boc[0], eps=1e-6)
        self.conv_out = nn.Conv2d(boc[0], out_channels, 3, padding=1)

    def forward(self, z):
        x = self.conv_in(z)
        x = self.mid_block(x)
        for b in self.up_blocks:
            x = b(x)
        return self.conv_out(F.silu(self.conv_norm_out(x)))


VAE_DEFAULTS = dict(in_channels=3, out_channels=3, down_block_types=["DownEncoderBlock2D"],
                    up_block_types=["UpDecoderBlock2D"], block_out_channels=[64], layers_per_block=1,
                    act_fn="silu", latent_channels=4, norm_num_groups=32, sample_size=32, scaling_factor=0.18215,
                    shift_factor=None, latents_mean=None, latents_std=None, force_upcast=True,
                    use_quant_conv=True, use_post_quant_conv=True, mid_block_add_attention=True)


class AutoencoderKL(nn.Module):
    def __init__(self, **config):
        super().__init__()
        cfg = dict(VAE_DEFAULTS)
        cfg.update({k: v for k, v in config.items() if not k.startswith("_")})
        self.config = cfg
        boc, lc, g = cfg["block_out_channels"], cfg["latent_channels"], cfg["norm_num_groups"]
        self.encoder = Encoder(cfg["in_channels"], lc, boc, cfg["layers_per_block"], g, cfg["mid_block_add_attention"])
        self.decoder = Decoder(lc, cfg["out_channels"], boc, cfg["layers_per_block"], g, cfg["mid_block_add_attention"])
        self.quant_conv = nn.Conv2d(2 * lc, 2 * lc, 1) if cfg["use_quant_conv"] else None
        self.post_quant_conv = nn.Conv2d(lc, lc, 1) if cfg["use_post_quant_conv"] else None

    def encode(self, x):
        """-> (mean, logvar) of the diagonal Gaussian posterior (logvar clamped to [-30, 20] as diffusers)."""
        m = self.encoder(x)
        if self.quant_conv is not None:
            m = self.quant_conv(m)
        mean, logvar = m.chunk(2, dim=1)
        return mean, torch.clamp(logvar, -30.0, 20.0)

    def decode(self, z):
        if self.post_quant_conv is not None:
            z = self.post_quant_conv(z)
        return self.decoder(z)
