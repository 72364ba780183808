# CASS ViT-B/16 on voc20 under CASS's protocol (model base): its configs/cfg_voc20.py settings; singular values not
# rescaled (its dataset name).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/voc20.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    backbone=dict(rescale_singular_values=False),
    decode_head=dict(global_weight=0.4, mean_vector_weight=0.02, cluster_threshold=0.1,
                     text_encoder=dict(vocabulary='sclip_voc20')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
