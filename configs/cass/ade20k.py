# CASS ViT-B/16 on ade20k under CASS's protocol (model base): its configs/cfg_ade20k.py settings.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/cass_vit_b16.py',
    '../_base_/datasets/ade20k.py', '../_base_/schedules/inference_only.py'
]
model = dict(
    decode_head=dict(global_weight=0.3, mean_vector_weight=0.05, cluster_threshold=0.06,
                     text_encoder=dict(vocabulary='sclip_ade150')))
test_dataloader = dict(dataset=dict(pipeline={{_base_.sclip_test_pipeline}}))
val_dataloader = test_dataloader
