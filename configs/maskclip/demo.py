# Open-vocabulary inference on any image (tools/demo.py): MaskCLIP ViT-B/16, short side 448.
_base_ = ['../_base_/default_runtime.py', '../_base_/models/maskclip_vit_b16.py']
test_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 448), keep_ratio=True),
    dict(type='PackSegInputs'),
]
