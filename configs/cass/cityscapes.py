# CASS ViT-B/16 on cityscapes under CASS's protocol (model base): its configs/cfg_city_scapes.py settings; singular
# values not rescaled (its dataset name), each window's own class token.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/cityscapes.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    global_from='window', backbone=dict(rescale_singular_values=False),
    decode_head=dict(global_weight=0.1, mean_vector_weight=0.03, cluster_threshold=0.14,
                     text_encoder=dict(vocabulary='sclip_cityscapes19')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline_560}}))
val_dataloader = test_dataloader
