# S-Seg+ (context): UperNet + MAE ViT-B/16 trained for 40000 iterations on S-Seg's pseudo labels of
# PASCAL Context train (tools/test.py configs/sseg/context60_train_pseudo_labels.py <S-Seg checkpoint> first),
# evaluated on Context60 val:
#   tools/dist_train.sh configs/sseg_plus/context60.py 8
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/upernet_mae_vit_b16.py', '../_base_/datasets/context60.py',
    '../_base_/datasets/segmentation_train.py', '../_base_/schedules/sseg_plus_adamw_layer_decay.py'
]
max_iters = 40000
model = dict(decode_head=dict(num_classes=60), auxiliary_head=dict(num_classes=60))
train_dataloader = dict(
    dataset=dict(
        type='PascalContextDataset',
        ann_file='data/VOCdevkit/VOC2010/ImageSets/SegmentationContext/train.txt',
        data_prefix=dict(
            img_path='data/VOCdevkit/VOC2010/JPEGImages',
            seg_map_path='work_dirs/sseg_context60_pseudo_labels/labels')))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters)
default_hooks = dict(checkpoint=dict(interval=4000, max_keep_ckpts=2))
