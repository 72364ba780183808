# MaskCLIP ViT-B/16 on context59 under an ImageNet-C blur corruption (the paper's Table 1b robustness study,
# as the official configs/maskclip/corrupt/: the corruption of the loaded image, then the resize).
# Corruptions of this family: gaussian_blur, defocus_blur; levels 1-5:
#   tools/test.py configs/maskclip/context59_corrupt_blur.py none --cfg-options \
#       test_dataloader.dataset.pipeline.1.name=gaussian_blur test_dataloader.dataset.pipeline.1.level=5
_base_ = ['./context59.py']
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Corrupt', name='gaussian_blur', level=1),
    dict(type='Resize', scale=(520, 520), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
