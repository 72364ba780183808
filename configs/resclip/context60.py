# ResCLIP ViT-B/16 on context60 under ResCLIP's protocol (model base), its configs/cfg_context60.py:
# temp_thd 0.3, attn_rcs_weights [2.0, 0.3], attn_sfr_weights [1.8, 0.7], probability threshold 0.1.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/resclip_vit_b16.py',
    '../_base_/datasets/context60.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    bg_threshold=0.1, vocabulary_has_background=True,
    backbone=dict(temp_thd=0.3, rcs_weights=(2.0, 0.3), sfr_weights=(1.8, 0.7)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_context60')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
