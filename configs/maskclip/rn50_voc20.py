# MaskCLIP RN50 on voc20 (the official RN50 configs); otherwise as voc20.py.
_base_ = ['./voc20.py']
model = dict(backbone=dict(model_name='RN50'), decode_head=dict(text_encoder=dict(model_name='RN50')))
