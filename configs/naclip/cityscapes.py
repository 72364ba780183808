# NACLIP ViT-B/16 on cityscapes under NACLIP's protocol (model base): its configs/cfg_city_scapes.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/naclip_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(text_encoder=dict(vocabulary='sclip_cityscapes19')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline_560}}))
val_dataloader = test_dataloader
