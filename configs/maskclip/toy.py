# MaskCLIP on the toy world with the toy CLIP (train it first: tools/quickstart.sh or
# tools/train.py configs/toy_clip/pretrain.py). Training-free: tools/test.py CONFIG none.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip_data_preprocessor.py',
    '../_base_/datasets/toy_seg.py', '../_base_/schedules/inference_only.py'
]
toy_clip = 'work_dirs/toy_clip/toy_clip.pth'
model = dict(
    type='OpenVocabEncoderDecoder',
    backbone=dict(
        type='OpenCLIPVision', model_name='TextSup-Toy-ViT', pretrained=toy_clip, outputs=('dense', 'keys'),
        dense_mode='maskclip'),
    decode_head=dict(
        type='MaskCLIPHead',
        text_encoder=dict(
            type='OpenCLIPTextClassifier', model_name='TextSup-Toy-ViT', pretrained=toy_clip, vocabulary='toy',
            templates='single'),
        logit_scale=100.0),
    test_cfg=dict(mode='whole'))
train_dataloader = None  # training-free: the toy dataset base also defines a train split
