# MaskCLIP ViT-B/16 under SCLIP's 8-benchmark protocol (github.com/wangf3014/SCLIP, configs/): CLIP's
# own image tower (CLIP mean / std, QuickGELU, LayerNorm 1e-5, no padding: the patch grid floors),
# SCLIP's class files with synonyms fused by the max of their probabilities, the 80 OpenAI ImageNet
# templates, logit scale 40, 224 x 224 windows with stride 112. Leaf configs give the dataset, its test
# scale (the short side 336; Cityscapes 560, COCO-Stuff 164k 448) and SCLIP's per-dataset logit scale,
# probability threshold and area threshold.
_base_ = ['./maskclip_vit_b16.py']
model = dict(
    data_preprocessor=dict(mean=[122.7709383, 116.7460125, 104.09373615], std=[68.5005327, 66.6321579, 70.32316305]),
    backbone=dict(quick_gelu=None, norm_eps=None, pad_to_patch=False),
    decode_head=dict(
        logit_scale=40.0, text_encoder=dict(templates='openai_imagenet_80', synonym_fusion='max_probability')),
    test_cfg=dict(mode='slide', crop_size=(224, 224), stride=(112, 112)))
sclip_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 336), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
sclip_test_pipeline_560 = [  # Cityscapes: short side 560
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 560), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
