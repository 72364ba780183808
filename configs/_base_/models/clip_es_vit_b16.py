# CLIP-ES with open_clip ViT-B-16 (OpenAI weights): Softmax-GradCAM over the present classes and
# CLIP-ES's 25 VOC background words, prompt "a clean origami {}.", synonyms fused in one sentence,
# CAA (last 8 blocks, lambda 0.4, Sinkhorn 3, A^2), dense CRF (10 it., 1/3, 67/3/4).
_base_ = ['./clip_data_preprocessor.py']
clip_name = 'ViT-B-16'
clip_weights = 'openai'
model = dict(
    type='CLIPES',
    backbone=dict(type='OpenCLIPVision', model_name=clip_name, pretrained=clip_weights, outputs=('dense', )),
    text_encoder=dict(
        type='OpenCLIPTextClassifier', model_name=clip_name, pretrained=clip_weights, vocabulary='clip_es_voc20',
        templates='clip_es'),
    background_words='bg_clip_es_voc25',
    bg_index=0,
    caa=True,
    caa_blocks=8,
    caa_threshold=0.4,
    caa_power=2,
    crf=True)
