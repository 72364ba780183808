# SC-CLIP ViT-B/16 under its own protocol (github.com/SuleBai/SC-CLIP, scclip_segmentor.py and
# configs/cfg_*.py): CLIP's tower self-calibrated (anomaly tokens filled from their neighbours before the
# last block, whose attention follows block 8's patch similarity; outputs refined by block 3's similarity
# and fused with blocks 3-9; SCCLIPVision), position embeddings resized by scale factor; the rest is
# SCLIP's protocol, which SC-CLIP keeps (maskclip_vit_b16_sclip_protocol.py: CLIP's tower, SCLIP's class
# files with synonyms fused by the max of their probabilities, the 80 templates, logit scale 40, 224 x 224
# windows with stride 112, short side 336). Leaf configs give the dataset, its logit scale and thresholds.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
model = dict(
    backbone=dict(
        type='SCCLIPVision', pos_embed_by_scale_factor=True, pre_adjust_idx=8, post_adjust_idx=3, multi_start_idx=3,
        multi_end_idx=10, res_cls=0.3))
