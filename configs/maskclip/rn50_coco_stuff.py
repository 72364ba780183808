# MaskCLIP RN50 on coco_stuff (the official RN50 configs); otherwise as coco_stuff.py.
_base_ = ['./coco_stuff.py']
model = dict(backbone=dict(model_name='RN50'), decode_head=dict(text_encoder=dict(model_name='RN50')))
