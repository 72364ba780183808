# S-Seg's pre-training pairs: CC3M, CC12M and RedCaps web-dataset shards (img2dataset layout),
# 224x224 random resized crops, captions reduced to nouns and verbs (NLTK when installed).
pair_pipeline = [
    dict(type='LoadImageTextPair'),
    dict(type='RandomResize', scale=(224, 224), ratio_range=(1.0, 2.0), keep_ratio=True),
    dict(type='RandomCrop', crop_size=(224, 224)),
    dict(type='RandomFlip', prob=0.5),
    dict(type='KeepNounsAndVerbs'),
    dict(type='TokenizeCaption', model_name='TextSup-SSeg-Text'),  # CLIP BPE, context 77
    dict(type='PackImageTextInputs'),
]
train_dataloader = dict(
    batch_size=128,
    num_workers=8,
    persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True),
    collate_fn=dict(type='pseudo_collate'),
    dataset=dict(
        type='WebDatasetPairs',
        shards=['data/cc3m/*.tar', 'data/cc12m/*.tar', 'data/redcaps/*.tar'],
        pipeline=pair_pipeline))
