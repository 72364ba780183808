# S-Seg+ step 1: a trained S-Seg labels PASCAL Context train (4,996 images) for self-training; label PNGs go to
# work_dirs/sseg_context_pseudo_labels/labels/ (resumable: finished images are skipped), with their mIoU
# against the ground truth (only reported, never used):
#   tools/test.py configs/sseg/context_train_pseudo_labels.py work_dirs/pretrain/iter_190000.pth
_base_ = ['./context60.py']
pseudo_label_dir = 'work_dirs/sseg_context_pseudo_labels'
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='PendingPseudoLabels',
        out_dir=pseudo_label_dir,
        dataset=dict(
            type='PascalContextDataset',
            data_root='data/VOCdevkit/VOC2010',
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassContext'),
            ann_file='ImageSets/SegmentationContext/train.txt',
            pipeline={{_base_.test_dataloader.dataset.pipeline}})))
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='PseudoLabelWriter', out_dir=pseudo_label_dir)
]
val_evaluator = test_evaluator
