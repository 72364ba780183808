# ResCLIP ViT-B/16 on cityscapes under ResCLIP's protocol (model base), its configs/cfg_city_scapes.py:
# temp_thd 0.1, attn_rcs_weights [2.0, 0.2], attn_sfr_weights [2.1, 0.6], short side 560.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/resclip_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(temp_thd=0.1, rcs_weights=(2.0, 0.2), sfr_weights=(2.1, 0.6)),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_cityscapes19')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline_560}}))
val_dataloader = test_dataloader
