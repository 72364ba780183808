# MaskCLIP with open_clip ViT-B-16 (OpenAI weights): dense value-path features classified by
# prompt-ensembled text embeddings. Weights load in init_weights (tools/test.py CONFIG none).
_base_ = ['./clip_data_preprocessor.py']
clip_name = 'ViT-B-16'
clip_weights = 'openai'
model = dict(
    type='OpenVocabEncoderDecoder',
    backbone=dict(
        type='OpenCLIPVision', model_name=clip_name, pretrained=clip_weights, outputs=('dense', ),
        dense_mode='maskclip'),
    decode_head=dict(
        type='MaskClipHead',
        text_encoder=dict(
            type='OpenCLIPTextClassifier', model_name=clip_name, pretrained=clip_weights, vocabulary='voc21',
            templates='maskclip_85'),
        logit_scale=100.0),
    test_cfg=dict(mode='whole'))
