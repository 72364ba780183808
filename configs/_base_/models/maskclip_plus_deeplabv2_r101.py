# MaskCLIP+ (paper sec. 3.4) as the official configs build it: the DeepLabv2 student of
# deeplabv2_r101.py (ImageNet weights and normalisation) with the official ASPP-v2 branches
# (conv + SyncBN + ReLU, summed, to the 1024-d RN50 text space, no dropout) and the official
# classifier (raw features times the normalised text embeddings); a frozen MaskCLIP RN50 teacher
# that sees the student's batch as it is (ImageNet normalisation). Leaf configs set the vocabulary
# (teacher and classifier) and the mode (zero-shot or not).
_base_ = ['./deeplabv2_r101.py']
clip_name = 'RN50'
clip_weights = 'openai'
text_encoder = dict(
    type='OpenCLIPTextClassifier', model_name=clip_name, pretrained=clip_weights, vocabulary='maskclip_voc20',
    templates='maskclip_85')
model = dict(
    type='MaskCLIPPlus',
    teacher=dict(
        type='OpenVocabEncoderDecoder',
        backbone=dict(
            type='OpenCLIPVision', model_name=clip_name, pretrained=clip_weights, quick_gelu=False, norm_eps=1e-6,
            dense_mode='maskclip'),
        decode_head=dict(type='MaskCLIPHead', text_encoder=text_encoder)),
    decode_head=dict(  # (the plain DeepLabv2 base has no norm and no activation: replace them)
        channels=1024, norm_cfg=dict(_delete_=True, type='SyncBN', requires_grad=True),
        act_cfg=dict(_delete_=True, type='ReLU'), dropout_ratio=0.0),
    classifier=dict(type='TextEmbeddingClassifier', text_encoder=text_encoder))
