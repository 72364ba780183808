# CLIP-ES pseudo masks (CAA + CRF) and confidence maps for VOC train_aug (10,582 images), written to
# work_dirs/clip_es_voc/{labels,confidence}/ by the standard test tool (resumable: finished images
# are skipped), with their mIoU against SegmentationClassAug:
#   tools/test.py configs/clip_es/voc_pseudo_masks.py none
_base_ = ['./voc_caa_crf.py']
pseudo_label_dir = 'work_dirs/clip_es_voc'
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='PendingPseudoLabels',
        out_dir=pseudo_label_dir,
        dataset=dict(
            type='PascalVOCDataset',
            data_root={{_base_.data_root}},
            data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassAug'),
            ann_file='ImageSets/Segmentation/train_aug.txt',
            pipeline={{_base_.cam_pipeline}})))
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='PseudoLabelWriter', out_dir=pseudo_label_dir)
]
val_evaluator = test_evaluator
