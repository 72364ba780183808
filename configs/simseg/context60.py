# SimSeg ViT-S/16 zero-shot segmentation of PASCAL Context val (60 classes, the official names);
# mu + sigma of the top 30; otherwise as voc21.py.
#   tools/test.py configs/simseg/context60.py work_dirs/simseg/pretrain_vit_s16/iter_290000.pth
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/simseg_vit_s16.py', '../_base_/datasets/context60.py',
    '../_base_/schedules/inference_only.py'
]
model = dict(vocabulary='simseg_context60', zero_shot=dict(top_k=30))
test_dataloader = dict(dataset=dict(pipeline={{_base_.simseg_test_pipeline}}))
val_dataloader = test_dataloader
