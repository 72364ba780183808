# ResCLIP ViT-L-14 on cityscapes: the official code's settings with its clip_path='ViT-L/14' (its block settings
# stay those of ViT-B/16; see README.md); otherwise as cityscapes.py.
_base_ = ['./cityscapes.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
