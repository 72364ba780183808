# ClearCLIP ViT-B/16 on cityscapes under ClearCLIP's protocol (model base): its configs/cfg_city_scapes.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clearclip_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(text_encoder=dict(vocabulary='sclip_cityscapes19')),
    test_cfg=dict(crop_size=(224, 224), stride=(224, 224)))
test_dataloader = dict(dataset=dict(pipeline={{_base_.clearclip_test_pipeline}}))
val_dataloader = test_dataloader
