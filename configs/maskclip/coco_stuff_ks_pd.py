# MaskCLIP ViT-B/16 + key smoothing + prompt denoising on COCO-Stuff (the paper's Table 1a "+KS+PD",
# the official refinement); otherwise as coco_stuff.py.
_base_ = ['./coco_stuff.py']
model = dict(
    backbone=dict(outputs=('dense', 'keys')),
    decode_head=dict(key_smoothing=True, ks_threshold=1.0, prompt_denoising=0.5))
