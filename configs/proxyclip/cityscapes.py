# ProxyCLIP ViT-B/16 on cityscapes under ProxyCLIP's protocol (model base): its configs/cfg_city_scapes.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/proxyclip_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(text_encoder=dict(vocabulary='proxyclip_cityscapes19')),
    test_cfg=dict(crop_size=(224, 224), stride=(112, 112)))
test_dataloader = dict(dataset=dict(pipeline={{_base_.proxyclip_test_pipeline_448}}))
val_dataloader = test_dataloader
