# MaskCLIP+ (paper sec. 3.4): a DeepLabv2 student (ASPP-v2 on a dilated ResNet-101 with ImageNet
# weights, ImageNet normalisation) whose classifier is the frozen CLIP text embeddings, taught by
# a frozen MaskCLIP RN50 (OpenAI CLIP; CLIP normalisation, the batch is re-normalised for it).
# Leaf configs set the vocabulary (teacher and classifier) and the mode (zero-shot or not).
clip_name = 'RN50'
clip_weights = 'openai'
clip_embed_dim = 1024
text_encoder = dict(
    type='OpenCLIPTextClassifier', model_name=clip_name, pretrained=clip_weights, vocabulary='voc20',
    templates='maskclip_85')
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='MaskClipPlus',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size=(512, 512)),
    teacher=dict(
        type='OpenVocabEncoderDecoder',
        data_preprocessor=dict(
            type='SegDataPreProcessor',
            mean=[122.7709383, 116.7460125, 104.09373615],
            std=[68.5005327, 66.6321579, 70.32316305],
            bgr_to_rgb=True),
        backbone=dict(
            type='OpenCLIPVision', model_name=clip_name, pretrained=clip_weights, outputs=('dense', ),
            dense_mode='maskclip'),
        decode_head=dict(type='MaskClipHead', text_encoder=text_encoder, logit_scale=100.0),
        test_cfg=dict(mode='whole')),
    backbone=dict(
        type='ResNetV1c',
        depth=101,
        strides=(1, 2, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=True,
        norm_cfg=norm_cfg,
        norm_eval=False,
        init_cfg=dict(type='Pretrained', checkpoint='open-mmlab://resnet101_v1c')),
    decode_head=dict(
        type='ASPPV2Head',
        in_channels=2048,
        in_index=3,
        channels=clip_embed_dim,  # the branches project straight to the CLIP embedding size
        dilations=(6, 12, 18, 24),
        dropout_ratio=0.1,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    classifier=dict(type='TextEmbeddingClassifier', text_encoder=text_encoder, logit_scale=100.0),
    pseudo_label_threshold=0.0,
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
