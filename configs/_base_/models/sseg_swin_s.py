# S-Seg: MaskFormer without class head on Swin-S (64 queries, 6 decoder layers, width 256), a text
# transformer from scratch (12 layers, width 256, context 77, CLIP BPE), 2-layer MLP projections to
# 256, pseudo masks from a frozen DINO ViT-S/8 with K-means (K = 8), mask loss 1 x dice + 20 x focal,
# symmetric InfoNCE with learnable temperature. Everything (but DINO) starts from random weights.
# Zero-shot VOC21 settings; leaf configs change the vocabulary and background threshold.
dino_checkpoint = 'checkpoints/dino_deitsmall8_pretrain.pth'  # the official DINO ViT-S/8 weights
model = dict(
    type='SSegPretrainer',
    data_preprocessor=dict(  # ImageNet statistics, as DINO and Swin
        type='SegDataPreProcessor',
        mean=[123.675, 116.28, 103.53],
        std=[58.395, 57.12, 57.375],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255),
    backbone=dict(
        type='SSegMaskFormer',
        backbone=dict(
            type='SwinTransformer',
            embed_dims=96,
            depths=[2, 2, 18, 2],
            num_heads=[3, 6, 12, 24],
            window_size=7,
            drop_path_rate=0.3,
            out_indices=(0, 1, 2, 3)),
        head=dict(
            type='SSegMaskFormerHead',
            in_channels=[96, 192, 384, 768],
            channels=256,
            num_queries=64,
            num_layers=6,
            num_heads=8,
            ffn_channels=2048),
        embed_dim=256),
    text_tower=dict(type='MLPProjectedText', model_name='TextSup-SSeg-Text', embed_dim=256),
    pseudo_masks=dict(
        type='PseudoMaskGenerator',
        backbone=dict(type='TimmViTTokens', model_name='vit_small_patch8_224.dino', pretrained=dino_checkpoint),
        num_clusters=8),
    loss=dict(type='CLIPContrastiveLoss', init_temperature=0.07),
    mask_loss=dict(type='MaskMatchingLoss', dice_weight=1.0, focal_weight=20.0),
    zero_shot=dict(type='SSegZeroShot'),
    vocabulary='voc20',
    templates='openai_imagenet_80',
    bg_threshold=0.95,
    test_cfg=dict(mode='whole'))
# S-Seg's evaluation input: every image resized to 448 x 448 (leaf configs use it as the test pipeline)
test_pipeline_448 = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(448, 448), keep_ratio=False),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
