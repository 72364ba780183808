# ResCLIP ViT-B/16 under its own protocol (github.com/yvhangyang/ResCLIP, resclip_segmentor.py and
# configs/cfg_*.py): NACLIP's last block (k-k attention + Gaussian neighbourhood of std 5, no residual, no
# FFN) mixed with the attention of blocks 6-9 (RCS) and with the semantic feedback of a first segmentation
# pass (SFR: PAMR-refined, each patch's label, paths that leave a label decayed); position embeddings
# resized by scale factor; the rest is SCLIP's protocol, which ResCLIP keeps
# (maskclip_vit_b16_sclip_protocol.py: CLIP's tower, SCLIP's class files with synonyms fused by the max of
# their probabilities, the 80 templates, logit scale 40, 224 x 224 windows with stride 112, short side 336),
# no final PAMR. The first pass's softmax uses the head's logit scale. Leaf configs give the dataset, its
# probability threshold and ResCLIP's per-dataset weights.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
model = dict(backbone=dict(type='ResCLIPVision', pos_embed_by_scale_factor=True, logit_scale=40.0))
