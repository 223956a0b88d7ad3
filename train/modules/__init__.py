"""Small PyTorch re-implementations of the diffusers / transformers modules t2v runs.

Parameter names and numerics follow diffusers 0.40 (UNet3DConditionModel, AutoencoderKL) and
transformers (CLIPTextModel); see train/test_parity.py for the check against the golden vectors.
"""
