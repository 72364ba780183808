# MaskCLIP ViT-B/16 on context59 under an ImageNet-C noise corruption (the paper's Table 1b robustness study,
# as the official configs/maskclip/corrupt/: the corruption of the loaded image, then the resize).
# Corruptions of this family: gaussian_noise, shot_noise, impulse_noise, speckle_noise; levels 1-5:
#   tools/test.py configs/maskclip/context59_corrupt_noise.py none --cfg-options \
#       test_dataloader.dataset.pipeline.1.name=gaussian_noise test_dataloader.dataset.pipeline.1.level=5
_base_ = ['./context59.py']
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadImageFromFile'),
    dict(type='Corrupt', name='gaussian_noise', level=1),
    dict(type='Resize', scale=(520, 520), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
