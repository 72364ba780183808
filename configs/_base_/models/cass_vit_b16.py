# CASS ViT-B/16 under its own protocol (github.com/MICV-yonsei/CASS, cass_segmentor.py, clip/model.py and
# configs/cfg_*.py): CLIP's last block with DINO ViT-B/8's spectral object-level context (its key graph
# matched head to head and distilled into CLIP's key-key attention, plus a Gaussian neighbourhood of std 5;
# no residual, no FFN), object-presence-driven text embeddings and a global term from the image's class
# token (the whole image's in sliding windows); position embeddings resized by scale factor; otherwise
# SCLIP's protocol, which CASS keeps (maskclip_vit_b16_sclip_protocol.py: CLIP's tower, SCLIP's class files
# with synonyms fused by the max of their probabilities, the 80 templates, logit scale 40, 224 x 224
# windows with stride 112, short side 336), PAMR off (eval_all.sh: --pamr off). DINO's official weights
# (dino_vitbase8_pretrain.pth, or 'timm' for timm's copy) load in init_weights. Leaf configs give the
# dataset, its class file, probability threshold and CASS's per-dataset weights.
_base_ = ['./maskclip_vit_b16_sclip_protocol.py']
dino_checkpoint = 'checkpoints/dino_vitbase8_pretrain.pth'
model = dict(
    type='CASSEncoderDecoder',
    backbone=dict(
        type='CASSVision', pos_embed_by_scale_factor=True,
        vfm=dict(type='TimmViTTokens', model_name='vit_base_patch8_224.dino', pretrained=dino_checkpoint,
                 pos_embed_by_scale_factor=True)),
    decode_head=dict(type='CASSHead'))
