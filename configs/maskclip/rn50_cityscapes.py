# MaskCLIP RN50 on cityscapes (the official RN50 configs); otherwise as cityscapes.py.
_base_ = ['./cityscapes.py']
model = dict(backbone=dict(model_name='RN50'), decode_head=dict(text_encoder=dict(model_name='RN50')))
