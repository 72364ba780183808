# MaskCLIP ViT-B/16, official protocol (whole image, short side 512), ade20k.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='ade150')))
