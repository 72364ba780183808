# MaskCLIP ViT-L-14 on context59 (no official config: ViT-L/14 is not in the paper); otherwise as context59.py.
_base_ = ['./context59.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
