# S-Seg pseudo-mask generator on the toy world, scored with oracle labels (every cluster takes its
# majority ground-truth class; the paper's Table 1 measure) on the toy val split:
#   tools/test.py configs/sseg/toy_pseudo_mask_oracle.py none
# The frozen "self-supervised ViT" is the toy CLIP's image tower (the toy world has no DINO);
# K = 8 clusters, as the paper (4 gives 71.7).
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip_data_preprocessor.py', '../_base_/datasets/toy_seg.py',
    '../_base_/schedules/inference_only.py'
]
toy_clip = 'work_dirs/toy_clip/toy_clip.pth'
model = dict(
    type='PseudoMaskOracle',
    num_classes=10,
    pseudo_masks=dict(
        type='PseudoMaskGenerator',
        backbone=dict(type='OpenCLIPVision', model_name='TextSup-Toy-ViT', pretrained=toy_clip, dense_mode='qk'),
        num_clusters=8,
        seed=0))
train_dataloader = None
