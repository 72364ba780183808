# MaskCLIP ViT-B/16 on context59, the official protocol (whole image at the official test scale of the
# dataset base, the official class names): tools/test.py configs/maskclip/context59.py none
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py',
    '../_base_/datasets/context59.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='maskclip_context59')))
