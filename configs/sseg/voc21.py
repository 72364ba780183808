# S-Seg zero-shot segmentation of voc21 val: images resized to 448x448, 80-prompt ensemble,
# MaskFormer combination, background where the maximum class probability is below 0.95
# (GroupViT's threshold; S-Seg gives none).
#   tools/test.py configs/sseg/voc21.py work_dirs/sseg/pretrain/iter_190000.pth
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/sseg_swin_s.py', '../_base_/datasets/voc21.py',
    '../_base_/schedules/inference_only.py'
]
model = dict(vocabulary='voc20', bg_threshold=0.95)
test_dataloader = dict(dataset=dict(pipeline={{_base_.test_pipeline_448}}))
val_dataloader = test_dataloader
