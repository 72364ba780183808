# S-Seg's pseudo-mask generator (frozen DINO ViT-S/8, K-means with K = 8) on PASCAL VOC 2012 val,
# each mask given its best ground-truth class (the paper's Table 1 measure, 78.8 mIoU there):
#   tools/test.py configs/sseg/voc21_pseudo_mask_oracle.py none
_base_ = [
    '../_base_/default_runtime.py', '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    type='PseudoMaskOracle',
    num_classes=21,
    data_preprocessor=dict(
        type='SegDataPreProcessor', mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], bgr_to_rgb=True,
        pad_val=0, seg_pad_val=255),
    pseudo_masks=dict(
        type='PseudoMaskGenerator',
        backbone=dict(type='TimmViTTokens', model_name='vit_small_patch8_224.dino',
                      pretrained='checkpoints/dino_deitsmall8_pretrain.pth'),
        num_clusters=8,
        seed=0))
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(224, 224), keep_ratio=False),  # the 224x224 training crops' scale
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
