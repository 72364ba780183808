# ResCLIP ViT-B/16 on ade20k under ResCLIP's protocol (model base), its configs/cfg_ade20k.py:
# temp_thd 0.25, attn_rcs_weights [2.0, 0.3], attn_sfr_weights [2.1, 0.7].
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/resclip_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(temp_thd=0.25, rcs_weights=(2.0, 0.3), sfr_weights=(2.1, 0.7)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_ade150')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
