# CLIP-ES pseudo masks for COCO (background + 80 classes, COCO-Object layout of
# tools/dataset_converters/coco_object.py): lambda 0.7, CLIP-ES's 23 COCO background words,
# image-level labels from a text file (<image id> <class id> ...), written to work_dirs/clip_es_coco/.
_base_ = ['./voc21_pseudo_masks.py']
pseudo_label_dir = 'work_dirs/clip_es_coco'
coco_root = 'data/coco_stuff164k'
model = dict(
    text_encoder=dict(vocabulary='clip_es_coco80'), background_words='bg_clip_es_coco23', caa_threshold=0.7)
coco_pipeline = [
    dict(type='LoadImageFromFile'),
    dict(type='LoadCheckedAnnotations'),
    dict(type='LoadImageLevelLabels', source='file', classes=['background'] + [str(i) for i in range(1, 81)],
         label_file=coco_root + '/image_labels_train2017.txt', exclude=(0, )),
    {{_base_.pack}},
]
test_dataloader = dict(
    dataset=dict(
        _delete_=True,
        type='COCOObjectDataset',
        data_root=coco_root,
        data_prefix=dict(img_path='images/train2017', seg_map_path='annotations_object/train2017'),
        pipeline=coco_pipeline))
