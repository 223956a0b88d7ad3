"""Model and training configuration of the embedded default model (t2v-shapes)."""

FRAMES, SIZE, FPS = 8, 64, 8
SEED = 1234

# OpenAI CLIP BPE reduced to 512 byte symbols + the first 400 merges (golden/tokenizer-tiny), 914 ids.
TOKENIZER_DIR = "tokenizer"  # copied into train/tokenizer from the golden tokenizer-tiny case

VAE = dict(
    _class_name="AutoencoderKL", act_fn="silu", block_out_channels=[16, 32, 64, 64],
    down_block_types=["DownEncoderBlock2D"] * 4, up_block_types=["UpDecoderBlock2D"] * 4,
    force_upcast=True, in_channels=3, out_channels=3, latent_channels=4, latents_mean=None, latents_std=None,
    layers_per_block=1, mid_block_add_attention=True, norm_num_groups=8, sample_size=SIZE,
    scaling_factor=1.0,  # replaced by 1/std of the latents after the VAE stage
    shift_factor=None, use_post_quant_conv=True, use_quant_conv=True)

UNET = dict(
    _class_name="UNet3DConditionModel", act_fn="silu", attention_head_dim=8, block_out_channels=[32, 64, 64, 64],
    cross_attention_dim=64,
    down_block_types=["CrossAttnDownBlock3D", "CrossAttnDownBlock3D", "CrossAttnDownBlock3D", "DownBlock3D"],
    downsample_padding=1, in_channels=4, layers_per_block=1, mid_block_scale_factor=1, norm_eps=1e-05,
    norm_num_groups=8, num_attention_heads=None, out_channels=4, sample_size=SIZE // 8, time_cond_proj_dim=None,
    up_block_types=["UpBlock3D", "CrossAttnUpBlock3D", "CrossAttnUpBlock3D", "CrossAttnUpBlock3D"])

# `fresh` stage variants (train/fresh.py): the shipped config, and one 2.2x wider (still < 30 MB in fp16)
UNET_VARIANTS = {"base": {}, "wide": {"block_out_channels": [48, 96, 96, 96]}}

TEXT = dict(vocab_size=914, hidden_size=64, intermediate_size=256, num_hidden_layers=3, num_attention_heads=4,
            max_position_embeddings=77, hidden_act="gelu", layer_norm_eps=1e-5,
            bos_token_id=912, eos_token_id=913, pad_token_id=913)

# The model's FreeU preset (t2v.json), chosen by `npm run bench:quality -- --sweep` on the shipped weights (v2.2, guidance
# 2; table in models/default/README.md): the best colour + direction + shape over 576 pairs. Up blocks 0 and 1 run at 1x1
# and 2x2, where the Fourier mask covers the whole map, so s1/s2 < 1 scale the whole skip (ModelScope's s2 0.2 lost 10
# points of colour); b1 alone changes little (mean 0.15 / 255), b2 most.
FREEU = {"b1": 1.2, "b2": 1.4, "s1": 0.9, "s2": 0.9}

# The model's --fast preset (t2v.json "fast"), chosen with `npm run bench:fast` on v2.2 (README): 12 DPM-Solver++ steps,
# DeepCache 2: 3.37x, 30.9 dB, no attribute below uncached (15 steps: 2.61x, 25.6 dB)
FAST = {"scheduler": "dpmpp2m", "steps": 12, "deep_cache": 2, "deep_cache_branch": 0, "deep_cache_schedule": "uniform",
        "guidance_interval": None}

# Sampling defaults (t2v.json "defaults"): ModelScope's guidance 9 for the epsilon model
STEPS, GUIDANCE = 25, 9

# ModelScope's DDPM training schedule (the DDIM sampling config in scheduler_config.json uses the same betas)
BETA_START, BETA_END, TRAIN_STEPS = 0.00085, 0.012, 1000
