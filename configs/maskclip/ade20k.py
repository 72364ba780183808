# MaskCLIP ViT-B/16 on ade20k, the official protocol (whole image at the official test scale of the
# dataset base, the official class names): tools/test.py configs/maskclip/ade20k.py none
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='ade150')))
