# SimSeg ViT-S/16 zero-shot segmentation of PASCAL VOC 2012 val (21 classes): images squashed to 288x288,
# 80-prompt ensemble, adaptive mu + sigma threshold, per-class binary dense CRF.
#   tools/test.py configs/simseg/voc21.py work_dirs/pretrain_vit_s16/iter_290000.pth
# Without CRF (Table 4): --cfg-options model.zero_shot.crf=False; sigma factor (Table 2):
# model.zero_shot.sigma_factor=1.5
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/simseg_vit_s16.py', '../_base_/datasets/voc21.py',
    '../_base_/schedules/inference_only.py'
]
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(288, 288), keep_ratio=False),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
