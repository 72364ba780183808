# Trident ViT-B/16 under its own protocol (github.com/YuHengsss/Trident, trident.py, open_clip/transformer.py
# and configs/cfg_*.py): ProxyCLIP's read-out (proxyclip_vit_b16.py: beta 1.2, gamma 3.0, the input
# re-normalised to ImageNet statistics for DINO, position embeddings resized by scale factor, logit
# scale 40, the 80 templates, synonyms fused by the max of their probabilities) with DINO ViT-B/16, in
# 336 x 336 windows with stride 224 that go through in one batch (the similarity mean over all of them);
# the windows' attention outputs stitched on the image's patch grid and aggregated by SAM ViT-B's last
# global attention where SAM's value cosines exceed 1.2 times their mean; the labels refined by SAM's mask
# decoder prompted with their connected regions (eval.py --sam_refine, as its dist_test.sh runs). DINO's
# official weights (dino_vitbase16_pretrain.pth, or 'timm') and SAM's (sam_vit_b_01ec64.pth) load in
# init_weights. Leaf
# configs give the dataset, its class file (ProxyCLIP's, which Trident ships unchanged), short side
# (336: sclip_test_pipeline, 448: proxyclip_test_pipeline_448, 576, 688), probability threshold, SAM's
# threshold settings and the refinement's coarse threshold.
_base_ = ['./proxyclip_vit_b16.py']
sam_checkpoint = 'checkpoints/sam_vit_b_01ec64.pth'
model = dict(
    type='TridentEncoderDecoder',
    sam=dict(type='SAMGuidance', model_type='vit_b', pretrained=sam_checkpoint),
    refinement=dict(coarse_thresh=0.2, minimal_area=225, mask_coefficient=0.005, iou_threshold=0.8),
    backbone=dict(
        similarity_mean='batch',
        vfm=dict(model_name='vit_base_patch16_224.dino', pretrained='checkpoints/dino_vitbase16_pretrain.pth')),
    test_cfg=dict(mode='slide', crop_size=(336, 336), stride=(224, 224)))
trident_test_pipeline_576 = [  # Pascal Context and ADE20K: short side 576
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 576), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
trident_test_pipeline_688 = [  # Cityscapes: short side 688
    dict(type='LoadImageFromFile'),
    dict(type='Resize', scale=(2048, 688), keep_ratio=True),
    dict(type='LoadCheckedAnnotations'),
    dict(type='PackSegInputs'),
]
