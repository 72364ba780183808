# S-Seg+ step 1: a trained S-Seg labels COCO-Object train2017 (118k images) for self-training; label PNGs go to
# work_dirs/sseg_coco_object_pseudo_labels/labels/ (resumable: finished images are skipped), with their mIoU
# against the ground truth (only reported, never used):
#   tools/test.py configs/sseg/coco_object_train_pseudo_labels.py work_dirs/pretrain/iter_190000.pth
_base_ = ['./coco_object.py']
pseudo_label_dir = 'work_dirs/sseg_coco_object_pseudo_labels'
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='PendingPseudoLabels',
        out_dir=pseudo_label_dir,
        dataset=dict(
            type='COCOObjectDataset',
            data_root='data/coco_stuff164k',
            data_prefix=dict(img_path='images/train2017', seg_map_path='annotations_object/train2017'),
            pipeline={{_base_.test_dataloader.dataset.pipeline}})))
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='PseudoLabelWriter', out_dir=pseudo_label_dir)
]
val_evaluator = test_evaluator
