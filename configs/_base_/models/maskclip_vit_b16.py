# MaskCLIP with open_clip ViT-B-16 (OpenAI weights) as the official configs run it (the official
# fork's mmseg ViT): ImageNet mean / std, exact GELU and LayerNorm epsilon 1e-6 in the image tower
# (CLIP itself was trained with CLIP's mean / std, QuickGELU and 1e-5: see configs/maskclip/README.md),
# the value path with residual and FFN, keys after the attention's output projection, corner padding
# to the patch grid, the 85 prompt templates. Weights load in init_weights (tools/test.py CONFIG none).
clip_name = 'ViT-B-16'
clip_weights = 'openai'
model = dict(
    type='OpenVocabEncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True),
    backbone=dict(
        type='OpenCLIPVision', model_name=clip_name, pretrained=clip_weights, quick_gelu=False, norm_eps=1e-6,
        outputs=('dense', ), dense_mode='maskclip'),
    decode_head=dict(
        type='MaskCLIPHead',
        text_encoder=dict(
            type='OpenCLIPTextClassifier', model_name=clip_name, pretrained=clip_weights, vocabulary='maskclip_voc20',
            templates='maskclip_85'),
        logit_scale=100.0),
    test_cfg=dict(mode='whole'))
