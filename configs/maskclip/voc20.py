# MaskCLIP ViT-B/16 on voc20, the official protocol (whole image at the official test scale of the
# dataset base, the official class names): tools/test.py configs/maskclip/voc20.py none
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='maskclip_voc20')))
