# MaskCLIP+ with a MaskCLIP ViT-B/16 teacher (the annotation-free rows of Table 1); the student
# is the DeepLabv2-R101 of maskclip_plus_deeplabv2_r101.py with 512-d ASPP branches.
_base_ = ['./maskclip_plus_deeplabv2_r101.py']
model = dict(
    teacher=dict(backbone=dict(model_name='ViT-B-16'), decode_head=dict(text_encoder=dict(model_name='ViT-B-16'))),
    decode_head=dict(channels=512),
    classifier=dict(text_encoder=dict(model_name='ViT-B-16')))
