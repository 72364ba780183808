# MaskCLIP ViT-B/16 + key smoothing + prompt denoising on context59 (the paper's Table 1a "+KS+PD";
# the official refinement: denoising first, then smoothing of the probabilities, see README).
#   RN50: --cfg-options model.backbone.model_name=RN50 model.decode_head.text_encoder.model_name=RN50
_base_ = ['./context59.py']
model = dict(
    backbone=dict(outputs=('dense', 'keys')),
    decode_head=dict(key_smoothing=True, ks_threshold=1.0, prompt_denoising=0.5))
