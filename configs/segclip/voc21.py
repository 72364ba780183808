# SegCLIP ViT-B/16 zero-shot segmentation of voc21 val: short side 224, 224x224 windows with
# stride 224, "a photo of a {}.", background where no class reaches probability 0.80.
#   tools/test.py configs/segclip/voc21.py work_dirs/segclip/pretrain/iter_44300.pth
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/segclip_vit_b16.py', '../_base_/datasets/voc21.py',
    '../_base_/schedules/inference_only.py'
]
model = dict(vocabulary='voc20', bg_threshold=0.80)
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 224), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
