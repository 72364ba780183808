# ProxyCLIP's read-out on the toy world (training-free: tools/test.py CONFIG none): the toy CLIP's
# last-block values averaged with the patch similarity of another model in DINO's role, the 4-block
# toy CLIP's plain last-block tokens (configs/toy_clip/pretrain_4blocks.py; the toy world has no
# self-supervised ViT); both see the same normalised input. Otherwise as ../maskclip/toy.py.
_base_ = ['../maskclip/toy.py']
vfm_clip = 'work_dirs/toy_clip_4blocks/toy_clip_4blocks.pth'
model = dict(
    backbone=dict(
        type='ProxyCLIPVision', outputs=('dense', ), pos_embed_by_scale_factor=True, vfm_mean=None, vfm_std=None,
        vfm=dict(type='OpenCLIPVision', model_name='TextSup-Toy-ViT4', pretrained=vfm_clip, dense_mode='qk')))
