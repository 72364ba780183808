# CASS ViT-B/16 on context59 under CASS's protocol (model base): its configs/cfg_context59.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/context59.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(global_weight=0.25, mean_vector_weight=0.04, cluster_threshold=0.09,
                     text_encoder=dict(vocabulary='sclip_context59')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
