# ResCLIP ViT-B/16 on voc20 under ResCLIP's protocol (model base), its configs/cfg_voc20.py:
# temp_thd 0.1, attn_rcs_weights [2.0, 0.6], attn_sfr_weights [2.1, 0.6], the whole image (slide_crop=0).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/resclip_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(temp_thd=0.1, rcs_weights=(2.0, 0.6), sfr_weights=(2.1, 0.6)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_voc20')),
    test_cfg=dict(mode='whole'))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
