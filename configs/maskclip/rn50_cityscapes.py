# MaskCLIP RN50, official protocol (whole image, short side 512), cityscapes.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_rn50.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='cityscapes19')))
