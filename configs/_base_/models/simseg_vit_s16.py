# SimSeg as the official code (github.com/muyangyi/SimSeg) with its towers, built by open_clip
# (SimSeg-ViT-S-16-BERT): timm's ViT-S/16 (vit_small_patch16_224.augreg_in21k, patch tokens after
# the final norm, linear projection to 512 without bias) and BERT (bert-base-uncased, every token
# of the last hidden state, linear projection, 25 tokens), ImageNet mean / std; LoDA pre-training
# (M^I = 5, M^T = 1, pooled vectors L2-normalised, tau 0.02 learnt in [0.001, 0.5]); validated by
# SimSeg zero-shot segmentation (official selection loop, binary CRF, 7x7 closing; VOC21 settings,
# the official class names; leaf configs change them).
_base_ = ['./clip_data_preprocessor.py']
clip_name = 'SimSeg-ViT-S-16-BERT'
model = dict(
    type='SimSegPretrainer',
    data_preprocessor=dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375]),
    backbone=dict(type='OpenCLIPVision', model_name=clip_name, frozen=False, dense_mode='qk'),
    text_tower=dict(type='OpenCLIPText', model_name=clip_name),
    loss=dict(type='LoDALoss', image_top_m=5, text_top_m=1, init_temperature=0.02),
    zero_shot=dict(type='SimSegZeroShot', top_k=10, sigma_factor=1.0, max_classes=5, crf=True, background_class=0),
    vocabulary='simseg_voc21',
    templates='openai_imagenet_80',
    test_cfg=dict(mode='whole'))
# the official evaluation: images squashed to 288 x 288 by PIL (bilinear, antialiased)
simseg_test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(288, 288), keep_ratio=False, backend='pillow', interpolation='bilinear'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
