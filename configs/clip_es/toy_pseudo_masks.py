# CLIP-ES toy pseudo masks + confidence maps written to work_dirs/clip_es_toy/ (resumable), with
# their mIoU: tools/test.py configs/clip_es/toy_pseudo_masks.py none
_base_ = ['./toy.py']
pseudo_label_dir = 'work_dirs/clip_es_toy'
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='PendingPseudoLabels',
        out_dir=pseudo_label_dir,
        dataset={{_base_.test_dataloader.dataset}}))
val_dataloader = test_dataloader
test_evaluator = [
    dict(type='IoUMetric', iou_metrics=['mIoU']),
    dict(type='PseudoLabelWriter', out_dir=pseudo_label_dir)
]
val_evaluator = test_evaluator
