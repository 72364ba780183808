# MaskCLIP ViT-L-14 on ade20k (no official config: ViT-L/14 is not in the paper); otherwise as ade20k.py.
_base_ = ['./ade20k.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
