# MaskCLIP with open_clip ViT-L-14 (OpenAI weights); otherwise as maskclip_vit_b16.py.
_base_ = ['./maskclip_vit_b16.py']
model = dict(
    backbone=dict(model_name='ViT-L-14'),
    decode_head=dict(text_encoder=dict(model_name='ViT-L-14')))
