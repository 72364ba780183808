# SegCLIP on OpenAI CLIP ViT-B/16: the semantic group module (8 centers, 2 cross-attention layers,
# hard Gumbel-softmax, tau 0.9) after block 10 of 12; contrastive + MAE reconstruction (75 % masked,
# 3-layer decoder of width 384) + superpixel KL losses; zero-shot segmentation through the assignment matrix with
# the single prompt "a photo of a {}.", VOC21 settings (leaf configs change vocabulary / threshold).
_base_ = ['./clip_data_preprocessor.py']
clip_name = 'ViT-B-16'
model = dict(
    type='SegCLIPPretrainer',
    backbone=dict(
        type='SegCLIPVision',
        model_name=clip_name,
        pretrained='openai',
        group_after=10,
        num_centers=8,
        num_cross_layers=2,
        gumbel_tau=0.9),
    text_tower=dict(type='OpenCLIPText', model_name=clip_name, pretrained='openai'),
    loss=dict(type='CLIPContrastiveLoss', init_temperature=0.01),  # CLIP's learned scale, 100
    reconstruction=dict(
        type='SegCLIPReconstructionLoss',
        mask_ratio=0.75,
        num_extra_layers=2,
        decoder_width=384,  # official: half the encoder width
        decoder_depth=3,
        decoder_heads=8),
    superpixel_kl=dict(type='SuperpixelKLLoss'),
    zero_shot=dict(type='SegCLIPZeroShot'),
    vocabulary='voc20',
    templates='single',
    bg_threshold=0.80,
    test_cfg=dict(mode='slide', crop_size=(224, 224), stride=(224, 224)))
