# MaskCLIP RN50 on context59 (the official RN50 configs); otherwise as context59.py.
_base_ = ['./context59.py']
model = dict(backbone=dict(model_name='RN50'), decode_head=dict(text_encoder=dict(model_name='RN50')))
