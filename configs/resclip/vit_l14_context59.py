# ResCLIP ViT-L-14 on context59: the official code's settings with its clip_path='ViT-L/14' (its block settings
# stay those of ViT-B/16; see README.md); otherwise as context59.py.
_base_ = ['./context59.py']
model = dict(backbone=dict(model_name='ViT-L-14'), decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
