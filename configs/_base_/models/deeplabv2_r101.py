# DeepLabv2: ASPP-v2 (dilations 6/12/18/24, plain convolutions summed) on a dilated ResNet-101
# (output stride 8, ImageNet weights), 21 classes; the branches map to 256 channels before the
# 1x1 classifier.
norm_cfg = dict(type='SyncBN', requires_grad=True)
model = dict(
    type='EncoderDecoder',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size=(512, 512)),
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
        channels=256,
        dilations=(6, 12, 18, 24),
        norm_cfg=None,  # DeepLabv2's branches: a convolution each, no norm, no activation
        act_cfg=None,
        dropout_ratio=0.1,
        num_classes=21,
        align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    train_cfg=dict(),
    test_cfg=dict(mode='whole'))
