"""Write the trained model to models/default/ in diffusers' folder layout (fp16 safetensors).

  /usr/bin/python3 train/export.py [--out models/default] [--ckpt train/work/.../fresh-*.pt]

Reads train/work/{vae.pt,latents.pt,unet.pt} and exports the EMA weights of the UNet and text encoder; with
--ckpt, the UNet and text encoder (and latent scaling) of a `fresh` stage checkpoint beside the shipped VAE.
"""
import argparse
import json
import os
import shutil
import sys

import torch

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import config as C  # noqa: E402
from modules.clip_text import CLIPTextModel  # noqa: E402
from modules.safetensors_io import save_file  # noqa: E402
from modules.unet_3d import UNet3DConditionModel  # noqa: E402
from modules.vae import AutoencoderKL  # noqa: E402
from parts import load_vae_folder, split_both  # noqa: E402

DIFFUSERS_VERSION = "0.40.0.dev0"  # the config keys follow this version (the golden reference's)

MODEL_INDEX = {
    "_class_name": "TextToVideoSDPipeline", "_diffusers_version": DIFFUSERS_VERSION,
    "scheduler": ["diffusers", "DDIMScheduler"], "text_encoder": ["transformers", "CLIPTextModel"],
    "tokenizer": ["transformers", "CLIPTokenizer"], "unet": ["diffusers", "UNet3DConditionModel"],
    "vae": ["diffusers", "AutoencoderKL"]}

# ModelScope's DDIMScheduler config (as in golden/pipeline-tiny/model/scheduler/scheduler_config.json)
SCHEDULER = {
    "_class_name": "DDIMScheduler", "_diffusers_version": DIFFUSERS_VERSION, "beta_end": C.BETA_END,
    "beta_schedule": "scaled_linear", "beta_start": C.BETA_START, "clip_sample": False, "clip_sample_range": 1.0,
    "dynamic_thresholding_ratio": 0.995, "num_train_timesteps": C.TRAIN_STEPS, "prediction_type": "epsilon",
    "rescale_betas_zero_snr": False, "sample_max_value": 1.0, "set_alpha_to_one": False, "steps_offset": 1,
    "thresholding": False, "timestep_spacing": "leading", "trained_betas": None}

DESCRIPTION = ("t2v-shapes: tiny 64x64, 8-frame ModelScope-architecture model trained by t2v; draws a circle, "
               "square or triangle in red, green, blue, yellow or white moving left, right, up or down on a black, "
               "white or grey background")

def run_data(ck):
    """What a `fresh` run trained on: rendered clips or the `latents` pool, with the motion trail when it had one."""
    return ("latents pool" if ck["args"].get("pool") else "rendered") + (", motion trail" if ck.get("trail") else "")


def regress_run(ck):
    """A `regress.py --save` checkpoint's own run (noise at t = 999 -> the caption's mean clip), and its --init."""
    r = ck["regress"]
    return {"stage": "regress", "steps": int(ck["step"]), "device": "cpu", "batch": 16, "lr": r["lr"], "t": r["t"],
            "target": r["target"] + (", by shape" if r.get("by_shape") else ""), "data": "latents pool"}, r["init"]


def fresh_runs(ck):
    """The runs that made a checkpoint, first to last (one per --init link): `fresh` runs and `regress.py` runs."""
    if "regress" in ck:
        run, init = regress_run(ck)
        return fresh_runs(torch.load(init, map_location="cpu")) + [run]
    args = ck["args"]
    run = {"stage": "fresh", "steps": int(ck["step"]), **{k: args[k] for k in ("device", "variant", "batch", "lr")},
           "latent_scale": args.get("latent_scale", 1.0), "data": run_data(ck)}
    # options added after the shipped runs, recorded only when they differ from the defaults those runs used
    run.update({k: args[k] for k in ("high_noise_weight", "high_t_frac", "zero_snr", "mean_target_from") if args.get(k)})
    run.update({"high_t": args["high_t"]} if args.get("high_t_frac") and args.get("high_t", 600) != 600 else {})
    run.update({k: args[k] for k in ("ema_decay", "prediction") if args.get(k) not in (None, 0.999, "epsilon")})
    # --init is relative to wherever train.py was started: the repository root or train/
    init = next((p for p in (args.get("init"), os.path.join(HERE, args.get("init") or ""))
                 if args.get("init") and os.path.isfile(p)), None)
    if ck.get("init_runs") is not None:  # --init models/default: its t2v.json's runs as they were at training time
        return ck["init_runs"] + [run]
    if args.get("init") and init is None and os.path.isdir(args["init"]):  # a checkpoint from before init_runs
        print(f"warning: {args['init']}'s training runs are read as they are now, not as when this run started")
        return json.load(open(os.path.join(args["init"], "t2v.json")))["training"]["unet_runs"] + [run]
    return (fresh_runs(torch.load(init, map_location="cpu")) if init else []) + [run]


def dump(obj, path):
    with open(path, "w") as f:
        json.dump(obj, f, indent=2)
        f.write("\n")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", default=os.path.join(ROOT, "models", "default"))
    ap.add_argument("--no-ema", action="store_true")
    ap.add_argument("--ckpt", default="", help="a `fresh` stage checkpoint (train/fresh.py)")
    ap.add_argument("--guidance", type=float, default=C.GUIDANCE, help="t2v.json's default guidance scale")
    args = ap.parse_args()
    out = args.out
    work = os.path.join(HERE, "work")
    unet_config = C.UNET
    if args.ckpt:
        uck = torch.load(args.ckpt, map_location="cpu")
        shipped_vae, shipped_cfg = load_vae_folder(os.path.join(ROOT, "models", "default", "vae"))
        unet_config, scaling = uck["unet_config"], uck.get("scaling_factor", shipped_cfg["scaling_factor"])
        vck = {"model": shipped_vae.state_dict(),
               "step": json.load(open(os.path.join(ROOT, "models", "default", "t2v.json")))["training"]["vae_steps"]}
        sd = {k: v.float() for k, v in uck["ema"].items()}
        training = {"unet_runs": fresh_runs(uck)}
    else:
        vck = torch.load(os.path.join(work, "vae.pt"))
        uck = torch.load(os.path.join(work, "unet.pt"))
        scaling = torch.load(os.path.join(work, "latents.pt"))["scaling_factor"]
        sd = uck["model"] if args.no_ema else uck["ema"]
        training = {"unet_steps": int(uck["step"])}
    unet_sd, text_sd = split_both(sd)
    # strict loads: the exported names are exactly the modules' (== diffusers') names
    UNet3DConditionModel(**unet_config).load_state_dict(unet_sd, strict=True)
    CLIPTextModel(**C.TEXT).load_state_dict(text_sd, strict=True)
    AutoencoderKL(**C.VAE).load_state_dict(vck["model"], strict=True)

    for part in ["unet", "vae", "text_encoder", "tokenizer", "scheduler"]:
        os.makedirs(os.path.join(out, part), exist_ok=True)
    dump(MODEL_INDEX, os.path.join(out, "model_index.json"))
    # a `fresh --prediction v_prediction [--zero-snr]` U-Net needs the scheduler told so (zero terminal SNR samples
    # with trailing spacing, which starts at t = 999, Lin et al. 2023); every shipped run predicted epsilon
    run_args = uck.get("args", {}) if args.ckpt else {}
    sched = dict(SCHEDULER, prediction_type=run_args.get("prediction", "epsilon"))
    if run_args.get("zero_snr"):
        sched.update(rescale_betas_zero_snr=True, timestep_spacing="trailing")
    dump(sched, os.path.join(out, "scheduler", "scheduler_config.json"))

    ucfg = dict(unet_config)
    ucfg = {"_class_name": ucfg.pop("_class_name"), "_diffusers_version": DIFFUSERS_VERSION, **dict(sorted(ucfg.items()))}
    dump(ucfg, os.path.join(out, "unet", "config.json"))
    save_file(unet_sd, os.path.join(out, "unet", "diffusion_pytorch_model.safetensors"), dtype="F16")

    vcfg = dict(C.VAE)
    vcfg["scaling_factor"] = round(float(scaling), 5)
    vcfg = {"_class_name": vcfg.pop("_class_name"), "_diffusers_version": DIFFUSERS_VERSION, **dict(sorted(vcfg.items()))}
    dump(vcfg, os.path.join(out, "vae", "config.json"))
    save_file(vck["model"], os.path.join(out, "vae", "diffusion_pytorch_model.safetensors"), dtype="F16")

    tcfg = {"architectures": ["CLIPTextModel"], "attention_dropout": 0.0, "bos_token_id": C.TEXT["bos_token_id"],
            "dtype": "float16", "eos_token_id": C.TEXT["eos_token_id"], "hidden_act": C.TEXT["hidden_act"],
            "hidden_size": C.TEXT["hidden_size"], "initializer_factor": 1.0, "initializer_range": 0.02,
            "intermediate_size": C.TEXT["intermediate_size"], "layer_norm_eps": C.TEXT["layer_norm_eps"],
            "max_position_embeddings": C.TEXT["max_position_embeddings"], "model_type": "clip_text_model",
            "num_attention_heads": C.TEXT["num_attention_heads"], "num_hidden_layers": C.TEXT["num_hidden_layers"],
            "pad_token_id": C.TEXT["pad_token_id"], "projection_dim": C.TEXT["hidden_size"],
            "transformers_version": "5.17.0", "vocab_size": C.TEXT["vocab_size"]}
    dump(tcfg, os.path.join(out, "text_encoder", "config.json"))
    save_file(text_sd, os.path.join(out, "text_encoder", "model.safetensors"), dtype="F16")

    for f in ["vocab.json", "merges.txt", "tokenizer_config.json"]:
        shutil.copyfile(os.path.join(HERE, C.TOKENIZER_DIR, f), os.path.join(out, "tokenizer", f))

    t2v = {"name": "t2v-shapes", "description": DESCRIPTION,
           "defaults": {"num_frames": C.FRAMES, "height": C.SIZE, "width": C.SIZE, "steps": C.STEPS,
                        "guidance_scale": int(args.guidance) if args.guidance == int(args.guidance) else args.guidance,
                        "fps": C.FPS, "scheduler": "ddim"},
           "freeu": C.FREEU, "fast": C.FAST,
           "training": {**training, "vae_steps": int(vck["step"]), "seed": C.SEED}}
    dump(t2v, os.path.join(out, "t2v.json"))
    total = 0
    for dp, _, fs in os.walk(out):
        total += sum(os.path.getsize(os.path.join(dp, f)) for f in fs)
    print(f"exported to {out}: unet step {uck['step']}, vae step {vck['step']}, scaling_factor {scaling:.5f}, "
          f"{total / 1e6:.2f} MB")


if __name__ == "__main__":
    main()
