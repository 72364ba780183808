# CLIP-ES pseudo masks on the toy world's files with the toy CLIP: pseudo-mask mIoU on the toy
# train split (the paper's Table 1 / 2 protocol). Write the files and train the toy CLIP first:
#   python tools/dataset_converters/write_toy_world.py data/toy --shards 0
#   bash tools/quickstart.sh   (or tools/train.py configs/toy_clip/pretrain.py)
#   tools/test.py configs/clip_es/toy.py none  [--cfg-options model.caa=False model.crf=False]
# VOC's protocol on the toy: the objects-on-background labelling (SegmentationClassObjects: label 0
# is the background, every stuff class; 1-6 the objects), the image-level labels are the objects
# present, and the four stuff names are the class-related background words. The toy CLIP saw
# "a ... on the ..." captions, so the single template is used.
_base_ = [
    '../_base_/default_runtime.py', '../_base_/models/clip_data_preprocessor.py',
    '../_base_/schedules/inference_only.py'
]
toy_clip = 'work_dirs/toy_clip/toy_clip.pth'
toy_root = 'data/toy/voc'
toy_classes = ('background', 'tomato', 'lemon', 'grape', 'zebra', 'donut', 'carrot')
model = dict(
    type='CLIPES',
    backbone=dict(type='OpenCLIPVision', model_name='TextSup-Toy-ViT', pretrained=toy_clip, outputs=('dense', )),
    text_encoder=dict(
        type='OpenCLIPTextClassifier', model_name='TextSup-Toy-ViT', pretrained=toy_clip, vocabulary=toy_classes[1:],
        templates='single'),
    background_words=['grass', 'water', 'sand', 'snow'],
    bg_index=0,
    bg_power=1,
    caa_blocks=2,  # every block of the 2-block toy ViT
    caa_threshold=0.4,
    crf=True)
cam_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(
        type='LoadImageLevelLabels', source='file', classes=toy_classes,
        label_file=toy_root + '/ImageLabels/train_objects.txt'),
    dict(
        type='PackSegInputs',
        meta_keys=('img_path', 'seg_map_path', 'ori_shape', 'img_shape', 'pad_shape', 'scale_factor', 'flip',
                   'flip_direction', 'reduce_zero_label', 'image_labels')),
]
test_dataloader = dict(
    batch_size=1,
    num_workers=1,
    persistent_workers=True,
    sampler=dict(type='DefaultSampler', shuffle=False),
    dataset=dict(
        type='BaseSegDataset',
        metainfo=dict(classes=toy_classes),
        data_root=toy_root,
        data_prefix=dict(img_path='JPEGImages', seg_map_path='SegmentationClassObjects'),
        img_suffix='.jpg',
        seg_map_suffix='.png',
        ann_file='ImageSets/Segmentation/train.txt',
        pipeline=cam_pipeline))
val_dataloader = test_dataloader
test_evaluator = dict(type='IoUMetric', iou_metrics=['mIoU'])
val_evaluator = test_evaluator
