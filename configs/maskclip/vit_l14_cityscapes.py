# MaskCLIP ViT-L-14 on cityscapes (no official config: ViT-L/14 is not in the paper); otherwise as cityscapes.py.
_base_ = ['./cityscapes.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
