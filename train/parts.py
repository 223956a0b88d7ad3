"""The model's parts as the training scripts save and load them: the joint U-Net + text module, its state
split back into the two, a diffusers VAE folder, and the reduced CLIP tokenizer."""
import json
import os

import torch

import config as C
from modules.safetensors_io import load_file
from modules.tokenizer import CLIPTokenizer
from modules.vae import AutoencoderKL

HERE = os.path.dirname(os.path.abspath(__file__))


class Both(torch.nn.Module):
    """U-Net and text encoder trained jointly: one optimiser, one EMA, names prefixed `unet.` and `text.`."""

    def __init__(self, unet, text):
        super().__init__()
        self.unet, self.text = unet, text


def split_both(sd):
    """A `Both` state dict -> (U-Net state dict, text encoder state dict)."""
    return ({k[5:]: v for k, v in sd.items() if k.startswith("unet.")},
            {k[5:]: v for k, v in sd.items() if k.startswith("text.")})


def load_vae_folder(folder):
    """A diffusers `vae/` folder (config.json + fp16/fp32 safetensors) -> (AutoencoderKL in float32, its config)."""
    cfg = json.load(open(os.path.join(folder, "config.json")))
    vae = AutoencoderKL(**cfg)
    sd = load_file(os.path.join(folder, "diffusion_pytorch_model.safetensors"))
    vae.load_state_dict({k: v.float() for k, v in sd.items()})
    return vae, cfg


def tokenizer(folder=os.path.join(HERE, C.TOKENIZER_DIR)):
    return CLIPTokenizer(os.path.join(folder, "vocab.json"), os.path.join(folder, "merges.txt"))
