# MaskCLIP with open_clip RN50 (OpenAI weights); otherwise as maskclip_vit_b16.py.
_base_ = ['./maskclip_vit_b16.py']
model = dict(
    backbone=dict(model_name='RN50'),
    decode_head=dict(text_encoder=dict(model_name='RN50')))
