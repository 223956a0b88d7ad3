"""Parity of train/modules with diffusers/transformers on the golden vectors (float32, CPU).

Run: /usr/bin/python3 train/test_parity.py   (exit code 1 when a check fails)
Golden folder: $T2V_GOLDEN or ../shared/golden relative to the repository root.
"""
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.safetensors_io import load_file  # noqa: E402
from modules.tokenizer import CLIPTokenizer  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from modules.vae import AutoencoderKL  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GOLDEN = os.environ.get("T2V_GOLDEN", os.path.join(ROOT, "..", "shared", "golden"))
TOL = 1e-4
failures = []


def rel(a, b):
    return (torch.linalg.norm((a - b).double()) / torch.linalg.norm(b.double())).item()


def check(name, err, tol=TOL):
    ok = err <= tol
    print(f"{'PASS' if ok else 'FAIL'} {name}: rel err {err:.3e} (bound {tol:g})")
    if not ok:
        failures.append(name)


def load_cfg(p):
    with open(p) as f:
        return json.load(f)


def test_unet():
    d = os.path.join(GOLDEN, "unet3d-small")
    case = load_cfg(os.path.join(d, "case.json"))
    m = UNet3DConditionModel(**load_cfg(os.path.join(d, "unet", "config.json"))).eval()
    m.load_state_dict(load_file(os.path.join(d, "unet", "diffusion_pytorch_model.safetensors")), strict=True)
    t = load_file(os.path.join(d, "tensors.safetensors"))
    n = 0
    for run in case["runs"]:
        m.set_freeu(run["freeu"])  # FreeU is the product's; checked here for the Python sampler
        ti = run["key"].split("_")[1][1:]
        with torch.no_grad():
            out = m(t["sample"], t[f"timestep{ti}"], t["encoder_hidden_states"])
        check(f"unet3d-small {run['key']} (t={run['timestep']})", rel(out, t[run["key"]]))
        n += 1
    assert n > 0


def test_vae():
    d = os.path.join(GOLDEN, "vae-small")
    m = AutoencoderKL(**load_cfg(os.path.join(d, "vae", "config.json"))).eval()
    m.load_state_dict(load_file(os.path.join(d, "vae", "diffusion_pytorch_model.safetensors")), strict=True)
    t = load_file(os.path.join(d, "tensors.safetensors"))
    with torch.no_grad():
        out = m.decode(t["latents"])
    check("vae-small decode", rel(out, t["image"]))


def test_clip():
    d = os.path.join(GOLDEN, "clip-small")
    cfg = load_cfg(os.path.join(d, "text_encoder", "config.json"))
    m = CLIPTextModel(**{k: cfg[k] for k in ["vocab_size", "hidden_size", "intermediate_size", "num_hidden_layers",
                                             "num_attention_heads", "max_position_embeddings", "hidden_act",
                                             "layer_norm_eps"]}).eval()
    m.load_state_dict(load_file(os.path.join(d, "text_encoder", "model.safetensors")), strict=True)
    t = load_file(os.path.join(d, "tensors.safetensors"))
    with torch.no_grad():
        out = m(t["input_ids"])
    check("clip-small last_hidden_state", rel(out, t["last_hidden_state"]))


def test_tokenizer():
    d = os.path.join(GOLDEN, "tokenizer-tiny")
    case = load_cfg(os.path.join(d, "case.json"))
    tok = CLIPTokenizer(os.path.join(d, "vocab.json"), os.path.join(d, "merges.txt"))
    ref = load_file(os.path.join(d, "tensors.safetensors"))["input_ids"]
    ascii_ok, n_ascii, other_ok, n_other = 0, 0, 0, 0
    for i, p in enumerate(case["prompts"]):
        ok = tok(p) == ref[i].tolist()
        if p.isascii():
            n_ascii += 1
            ascii_ok += ok
            if not ok:
                print("  mismatch:", repr(p), tok(p)[:20], ref[i].tolist()[:20])
        else:
            n_other += 1
            other_ok += ok
    print(f"{'PASS' if ascii_ok == n_ascii else 'FAIL'} tokenizer-tiny ASCII prompts exact: {ascii_ok}/{n_ascii}"
          f" (non-ASCII, not required: {other_ok}/{n_other})")
    if ascii_ok != n_ascii:
        failures.append("tokenizer")


if __name__ == "__main__":
    torch.manual_seed(0)
    test_tokenizer()
    test_clip()
    test_vae()
    test_unet()
    if failures:
        print("FAILED:", ", ".join(failures))
        sys.exit(1)
    print("all parity checks passed")
