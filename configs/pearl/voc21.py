# PEARL ViT-B/16 on voc21 under PEARL's protocol (model base), its configs/cfg_voc21.py:
# probability threshold 0.1, the whole image (slide_crop=0).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/pearl_vit_b16.py',
    '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    decode_head=dict(text_encoder=dict(vocabulary='sclip_voc21')),
    test_cfg=dict(mode='whole'))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
