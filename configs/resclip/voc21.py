# ResCLIP ViT-B/16 on voc21 under ResCLIP's protocol (model base), its configs/cfg_voc21.py:
# temp_thd 0.5, attn_rcs_weights [2.0, 0.3], attn_sfr_weights [2.2, 0.7], probability threshold 0.1, the whole
# image (slide_crop=0).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/resclip_vit_b16.py',
    '../_base_/datasets/voc21.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    backbone=dict(temp_thd=0.5, rcs_weights=(2.0, 0.3), sfr_weights=(2.2, 0.7)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_voc21')),
    test_cfg=dict(mode='whole'))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
