# SimSeg on open_clip towers: ViT-S/16 image tower and open_clip's ViT-S-16 text tower (the
# official code used a timm ViT and a BERT-style text encoder), LoDA pre-training (M^I = M^T = 5,
# tau 0.02), validated by SimSeg zero-shot segmentation (VOC21 settings; leaf configs change them).
_base_ = ['./clip_data_preprocessor.py']
clip_name = 'ViT-S-16'
model = dict(
    type='SimSegPretrainer',
    image_encoder=dict(type='OpenCLIPVision', model_name=clip_name, frozen=False, dense_mode='qk'),
    text_encoder=dict(type='OpenCLIPText', model_name=clip_name),
    loss=dict(type='LoDALoss', image_top_m=5, text_top_m=5, init_temperature=0.02),
    zero_shot=dict(type='SimSegZeroShot', top_k=10, sigma_factor=1.0, max_classes=5, crf=True, background_class=0),
    vocabulary='voc21',
    templates='openai_imagenet_80',
    test_cfg=dict(mode='whole'))
