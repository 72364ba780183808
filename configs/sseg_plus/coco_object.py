# S-Seg+ (coco_object): UperNet + MAE ViT-B/16 trained for 80000 iterations on S-Seg's pseudo labels of
# COCO train2017 (tools/test.py configs/sseg/coco_object_train_pseudo_labels.py <S-Seg checkpoint> first),
# evaluated on COCO-Object val:
#   tools/dist_train.sh configs/sseg_plus/coco_object.py 8
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/upernet_mae_vit_b16.py', '../_base_/datasets/coco_object.py',
    '../_base_/datasets/segmentation_train.py', '../_base_/schedules/sseg_plus_adamw_layer_decay.py'
]
max_iters = 80000
model = dict(decode_head=dict(num_classes=81), auxiliary_head=dict(num_classes=81))
train_dataloader = dict(
    dataset=dict(
        type='COCOObjectDataset',
        data_prefix=dict(
            img_path='data/coco_stuff164k/images/train2017',
            seg_map_path='work_dirs/sseg_coco_object_pseudo_labels/labels')))
param_scheduler = [
    dict(type='LinearLR', start_factor=1e-6, by_epoch=False, begin=0, end=1500),
    dict(type='PolyLR', eta_min=0.0, power=1.0, begin=1500, end=max_iters, by_epoch=False),
]
train_cfg = dict(max_iters=max_iters)
default_hooks = dict(checkpoint=dict(interval=4000, max_keep_ckpts=2))
