# MaskCLIP (value read-out) of the toy CLIP on toy val images under an ImageNet-C corruption, the
# robustness study in miniature (reproducible: seeded noise):
#   tools/test.py configs/maskclip/toy_corrupt.py none --cfg-options \
#       test_dataloader.dataset.pipeline.1.name=gaussian_blur test_dataloader.dataset.pipeline.1.level=5
_base_ = ['./toy.py']
model = dict(backbone=dict(dense_mode='value'))
test_dataloader = dict(dataset=dict(pipeline=[
    dict(type='LoadToySample'),
    dict(type='Corrupt', name='gaussian_noise', level=1, seed=0),
    dict(type='PackSegInputs'),
]))
val_dataloader = test_dataloader
