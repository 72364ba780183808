# Trident on the toy world (training-free: tools/test.py CONFIG none): ProxyCLIP's toy read-out
# (../proxyclip/toy.py: the 4-block toy CLIP's patch similarity in DINO's role), aggregated by the last
# attention of the 4-block toy CLIP in SAM's role (CLIPGuidance; the toy world has no SAM), thresholded by
# its value cosines with Trident's default 1.2; the whole 64 x 64 image is one window.
_base_ = ['../proxyclip/toy.py']
model = dict(
    type='TridentEncoderDecoder',
    sam=dict(type='CLIPGuidance',
             tower=dict(type='OpenCLIPVision', model_name='TextSup-Toy-ViT4', pretrained={{_base_.vfm_clip}})),
    backbone=dict(similarity_mean='batch'),
    test_cfg=dict(mode='slide', crop_size=(64, 64), stride=(32, 32)))
