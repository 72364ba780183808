# MaskCLIP ViT-B/16 on cityscapes, the official protocol (whole image at the official test scale of the
# dataset base, the official class names): tools/test.py configs/maskclip/cityscapes.py none
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(decode_head=dict(text_encoder=dict(vocabulary='cityscapes19')))
test_dataloader = dict(dataset=dict(pipeline=[  # the official MaskCLIP Cityscapes scale: (1024, 512)
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(1024, 512), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
