# MaskCLIP+ with a MaskCLIP ViT-B/16 teacher (the annotation-free rows of the paper's Table 1):
# as the official ViT-B/16 annotation-free configs, the student is DeepLabv2 on a ResNet-50 (the
# paper says ResNet-101; the official configs inherit ResNet-50 and never change it) with 512-d
# ASPP branches (the ViT-B/16 text space).
_base_ = ['./maskclip_plus_deeplabv2_r101.py']
model = dict(
    backbone=dict(depth=50, init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet50_v1c')),
    teacher=dict(backbone=dict(model_name='ViT-B-16'), decode_head=dict(text_encoder=dict(model_name='ViT-B-16'))),
    decode_head=dict(channels=512),
    classifier=dict(text_encoder=dict(model_name='ViT-B-16')))
