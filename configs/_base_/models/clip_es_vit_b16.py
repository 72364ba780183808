# CLIP-ES with open_clip ViT-B-16 (OpenAI weights) as the official scripts: Softmax-GradCAM over the
# present classes and CLIP-ES's 25 VOC background words, prompt "a clean origami {}.", the official
# class names (synonyms in one sentence), position embeddings resized bilinearly and rounded to
# float16, CAA (last 8 blocks, lambda 0.4, Sinkhorn 3, A^2), dense CRF (10 it., 1/3, 67/3/4) whose
# maximum probability is the pseudo labels' confidence.
_base_ = ['./clip_data_preprocessor.py']
clip_name = 'ViT-B-16'
clip_weights = 'openai'
model = dict(
    type='CLIPES',
    backbone=dict(
        type='OpenCLIPVision', model_name=clip_name, pretrained=clip_weights, outputs=('dense', ),
        pos_embed_mode='bilinear', pos_embed_dtype='float16'),
    text_encoder=dict(
        type='OpenCLIPTextClassifier', model_name=clip_name, pretrained=clip_weights, vocabulary='clip_es_voc20',
        templates='clip_es'),
    background_words='bg_clip_es_voc25',
    bg_index=0,
    bg_power=1,
    logit_scale=100.02986,  # exp of the checkpoint's ln(100) as stored in float16 (4.60546875), as the official
    caa=True,
    caa_blocks=8,
    caa_threshold=0.4,
    caa_power=2,
    crf=True,
    confidence='crf')
