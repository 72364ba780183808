# CASS on the toy world (training-free: tools/test.py CONFIG none): the toy CLIP's last block with the
# spectral context of another model in DINO's role, the 4-block toy CLIP's last-block keys
# (configs/toy_clip/pretrain_4blocks.py; the toy world has no self-supervised ViT, as for ProxyCLIP's row),
# which sees the same normalised input; object-presence text embeddings with VOC21's weights. Otherwise as
# ../maskclip/toy.py (the whole 64 x 64 image: an 8 x 8 grid).
_base_ = ['../maskclip/toy.py']
vfm_clip = 'work_dirs/toy_clip_4blocks/toy_clip_4blocks.pth'
model = dict(
    type='CASSEncoderDecoder',
    backbone=dict(
        type='CASSVision', outputs=('dense', ), pos_embed_by_scale_factor=True, vfm_input='same',
        vfm=dict(type='OpenCLIPVision', model_name='TextSup-Toy-ViT4', pretrained=vfm_clip)),
    decode_head=dict(type='CASSHead', global_weight=0.1, mean_vector_weight=0.03, cluster_threshold=0.1))
