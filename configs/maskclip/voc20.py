# MaskCLIP ViT-B/16, official protocol (whole image, short side 512), voc20.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='voc20')))
