# MaskCLIP ViT-L-14 on voc20 (no official config: ViT-L/14 is not in the paper); otherwise as voc20.py.
_base_ = ['./voc20.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
