# SimSeg ViT-S/16 zero-shot segmentation of PASCAL VOC 2012 val (21 classes), as the official
# tools/seg_evaluation.py: images squashed to 288x288, 80-prompt ensemble, mu + sigma of the top 10,
# at most 5 candidates, per-class binary dense CRF, 7x7 closing, nearest resize to the image.
#   tools/test.py configs/simseg/voc21.py work_dirs/simseg/pretrain_vit_s16/iter_290000.pth
# Without CRF (Table 4): --cfg-options model.zero_shot.crf=False; sigma factor (Table 2):
# model.zero_shot.sigma_factor=1.5
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/simseg_vit_s16.py', '../_base_/datasets/voc21.py',
    '../_base_/schedules/inference_only.py'
]
test_dataloader = dict(dataset=dict(pipeline={{_base_.simseg_test_pipeline}}))
val_dataloader = test_dataloader
