# MaskCLIP ViT-B/16 on coco_stuff under SCLIP's protocol (see the model base); SCLIP's cfg_coco_stuff164k.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16_sclip_protocol.py',
    '../_base_/datasets/coco_stuff164k.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='sclip_coco_stuff171')))
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 448), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
