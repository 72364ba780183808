# S-Seg on the toy world, trained from scratch on toy captions (same data, batch and 650-iteration
# budget as configs/toy_clip/pretrain.py): a tiny Swin + MaskFormer decoder (16 queries, 3 layers,
# width 64), a toy text tower from scratch, pseudo masks from the frozen toy CLIP image tower
# (K = 8; see toy_pseudo_mask_oracle.py). The transformer decoder reads the stride-8 level (8 x 8
# tokens of a 64-pixel image; the stride-32 level would be 2 x 2, while the paper's decoder sees
# 7 x 7 at 224). Validation: S-Seg zero-shot on the toy val split.
_base_ = ['../toy_clip/pretrain.py']
work_dir = 'work_dirs/sseg_toy'
toy_clip = 'work_dirs/toy_clip/toy_clip.pth'
model = dict(
    _delete_=True,
    type='SSegPretrainer',
    data_preprocessor=dict(
        type='SegDataPreProcessor',
        mean=[122.7709383, 116.7460125, 104.09373615],
        std=[68.5005327, 66.6321579, 70.32316305],
        bgr_to_rgb=True,
        pad_val=0,
        seg_pad_val=255,
        size=(64, 64)),
    backbone=dict(
        type='SSegMaskFormer',
        backbone=dict(
            type='SwinTransformer', pretrain_img_size=64, embed_dims=32, depths=[1, 1, 2, 1], num_heads=[1, 2, 4, 8],
            window_size=4, out_indices=(0, 1, 2, 3)),
        head=dict(
            type='SSegMaskFormerHead', in_channels=[32, 64, 128, 256], channels=64, num_queries=16, num_layers=3,
            num_heads=4, ffn_channels=256, memory_level=1, norm_cfg=dict(type='GN', num_groups=16)),
        embed_dim=64),
    text_tower=dict(type='MLPProjectedText', model_name='TextSup-Toy-ViT', embed_dim=64),
    pseudo_masks=dict(
        type='PseudoMaskGenerator',
        backbone=dict(type='OpenCLIPVision', model_name='TextSup-Toy-ViT', pretrained=toy_clip, dense_mode='qk'),
        num_clusters=8),
    loss=dict(type='CLIPContrastiveLoss', init_temperature=0.07),
    mask_loss=dict(type='MaskMatchingLoss', dice_weight=1.0, focal_weight=20.0),
    zero_shot=dict(type='SSegZeroShot'),
    vocabulary='toy',
    templates='single')
custom_hooks = [dict(type='SkippedSamplesHook', interval=325)]
