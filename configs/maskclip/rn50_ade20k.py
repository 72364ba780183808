# MaskCLIP RN50 on ade20k (the official RN50 configs); otherwise as ade20k.py.
_base_ = ['./ade20k.py']
model = dict(backbone=dict(model_name='RN50'), decode_head=dict(text_encoder=dict(model_name='RN50')))
