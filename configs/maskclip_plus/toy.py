# MaskCLIP+ on the toy world, annotation-free: a small dilated ResNet + DeepLabv2 ASPP student
# learns from the toy-CLIP MaskCLIP teacher (value read-out), then from itself.
# Train the toy CLIP first (tools/quickstart.sh or tools/train.py configs/toy_clip/pretrain.py).
# The student starts from random weights (no ImageNet here), so it is guided for half the
# schedule instead of the paper's 1/10 (see README, "toy world").
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip_data_preprocessor.py', '../_base_/datasets/toy_seg.py'
]
work_dir = 'work_dirs/maskclip_plus_toy'
randomness = dict(seed=0)
toy_clip = 'work_dirs/toy_clip/toy_clip.pth'
text_encoder = dict(
    type='OpenCLIPTextClassifier', model_name='TextSup-Toy-ViT', pretrained=toy_clip, vocabulary='toy',
    templates='single')
model = dict(
    type='MaskCLIPPlus',
    data_preprocessor=dict(size=(64, 64)),
    teacher=dict(
        type='OpenVocabEncoderDecoder',
        backbone=dict(
            type='OpenCLIPVision', model_name='TextSup-Toy-ViT', pretrained=toy_clip, outputs=('dense', ),
            dense_mode='value'),
        decode_head=dict(type='MaskCLIPHead', text_encoder=text_encoder, logit_scale=100.0),
        test_cfg=dict(mode='whole')),
    backbone=dict(
        type='ResNetV1c',
        depth=18,
        stem_channels=16,
        base_channels=16,
        strides=(1, 1, 1, 1),
        dilations=(1, 1, 2, 4),
        contract_dilation=True,
        norm_cfg=dict(type='BN', requires_grad=True)),
    decode_head=dict(  # the official head: conv + BN + ReLU branches, no dropout, raw-feature logits
        type='ASPPV2Head', in_channels=128, in_index=3, channels=64, dilations=(1, 2, 3, 4), dropout_ratio=0.0,
        norm_cfg=dict(type='BN', requires_grad=True), align_corners=False,
        loss_decode=dict(type='CrossEntropyLoss', use_sigmoid=False, loss_weight=1.0)),
    classifier=dict(type='TextEmbeddingClassifier', text_encoder=text_encoder),
    pseudo_label_threshold=0.0,
    test_cfg=dict(mode='whole'))
train_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadToySample', with_seg=False),  # annotation-free: ground truth never loaded
    dict(type='RandomFlip', prob=0.5),
    dict(type='PackSegInputs'),
]))
max_iters = 1000
self_training_start = 500
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='AdamW', lr=1e-3, weight_decay=0.05))
param_scheduler = [dict(type='CosineAnnealingLR', eta_min=1e-5, by_epoch=False, begin=0, end=max_iters)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=self_training_start)
val_cfg = dict(type='ValLoop')
test_cfg = dict(type='TestLoop')
custom_hooks = [dict(type='SelfTrainingHook', start_iter=self_training_start)]
default_hooks = dict(checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=self_training_start))
