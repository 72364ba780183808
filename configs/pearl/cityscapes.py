# PEARL ViT-B/16 on cityscapes under PEARL's protocol (model base), its configs/cfg_city_scapes.py:
# alpha_kk 0.3, propagation grid 224, short side 560.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/pearl_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(dense_mode=dict(alpha_kk=0.3)), refiner=dict(grid=224),
    decode_head=dict(text_encoder=dict(vocabulary='sclip_cityscapes19')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline_560}}))
val_dataloader = test_dataloader
