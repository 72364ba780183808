# MaskCLIP ViT-L-14 on coco_stuff (no official config: ViT-L/14 is not in the paper); otherwise as coco_stuff.py.
_base_ = ['./coco_stuff.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
