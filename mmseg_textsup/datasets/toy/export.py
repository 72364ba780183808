"""Write the toy world to disk in real formats, so the real-data code paths run end to end."""
import io
import json
import os
import os.path as osp
import re
import tarfile

import cv2
import numpy as np
from tqdm import tqdm

from ...prompts import get_templates
from .world import ATTRIBUTES, CAPTION_TEMPLATES, CLASSES, ToyWorld, objects_on_background


def _add(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    tar.addfile(info, io.BytesIO(data))


def _jpeg(image_rgb: np.ndarray, quality: int = 95) -> bytes:
    ok, buf = cv2.imencode('.jpg', image_rgb[..., ::-1], [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return buf.tobytes()


def write_shards(out_dir: str, num_samples: int, samples_per_shard: int = 1000, seed: int = 0,
                 start: int = 0, size: int = 64) -> list:
    """Web-dataset shards as img2dataset writes them: ``{key}.jpg``, ``{key}.txt``, ``{key}.json``."""
    os.makedirs(out_dir, exist_ok=True)
    world = ToyWorld(seed=seed, size=size)
    paths = []
    for shard, first in enumerate(range(start, start + num_samples, samples_per_shard)):
        path = osp.join(out_dir, f'{shard:05d}.tar')
        with tarfile.open(path, 'w') as tar:
            for index in range(first, min(first + samples_per_shard, start + num_samples)):
                s = world.sample(index)
                key = f'{shard:05d}{index - first:04d}'
                _add(tar, f'{key}.jpg', _jpeg(s.image))
                _add(tar, f'{key}.txt', s.caption.encode('utf-8'))
                meta = dict(key=key, toy_index=index, classes=[CLASSES[c] for c in s.classes])
                _add(tar, f'{key}.json', json.dumps(meta).encode('utf-8'))
        paths.append(path)
    return paths


def write_voc_layout(root: str, splits: dict, seed: int = 0, size: int = 64) -> None:
    """A VOC-style folder: JPEGImages/, SegmentationClass/, ImageSets/Segmentation/{split}.txt,
    and ImageLabels/{split}.txt (image id followed by the ids of the classes present); plus the
    objects-on-background labelling of the same images (``OBJECT_CLASSES``: 0 = background,
    every stuff class; 1-6 the objects), as VOC has it: SegmentationClassObjects/ and
    ImageLabels/{split}_objects.txt (the objects present, as VOC's XML lists them).

    Args:
        splits (dict): split name -> (first toy index, number of images).
    """
    world = ToyWorld(seed=seed, size=size)
    for sub in ('JPEGImages', 'SegmentationClass', 'SegmentationClassObjects', 'ImageSets/Segmentation',
                'ImageLabels'):
        os.makedirs(osp.join(root, sub), exist_ok=True)
    for split, (first, count) in splits.items():
        ids, label_lines, object_lines = [], [], []
        for index in tqdm(range(first, first + count), desc=f'toy {split}'):
            s = world.sample(index)
            name = f'{split}_{index:08d}'
            cv2.imwrite(osp.join(root, 'JPEGImages', f'{name}.jpg'), s.image[..., ::-1],
                        [cv2.IMWRITE_JPEG_QUALITY, 95])
            cv2.imwrite(osp.join(root, 'SegmentationClass', f'{name}.png'), s.label)
            objects = objects_on_background(s.label)
            cv2.imwrite(osp.join(root, 'SegmentationClassObjects', f'{name}.png'), objects)
            ids.append(name)
            label_lines.append(' '.join([name] + [str(c) for c in s.classes]))
            object_lines.append(' '.join([name] + [str(c) for c in np.unique(objects) if c]))
        for file, lines in ((f'ImageSets/Segmentation/{split}.txt', ids), (f'ImageLabels/{split}.txt', label_lines),
                            (f'ImageLabels/{split}_objects.txt', object_lines)):
            with open(osp.join(root, file), 'w') as f:
                f.write('\n'.join(lines) + '\n')


def write_toy_tokenizer(out_dir: str) -> str:
    """Write a WordPiece tokenizer (BERT's kind, lower case) whose vocabulary is every word of the
    toy world's captions, class names and the 'single' and 'openai_imagenet_80' prompts: the
    tokenizer of the tiny Hugging Face text towers (``TextSup-Tiny-Timm-BERT``). Returns ``out_dir``."""
    from transformers import BertTokenizerFast
    from transformers.models.bert.tokenization_bert import BasicTokenizer
    texts = [t for ts in CAPTION_TEMPLATES.values() for t in ts] + list(CLASSES)
    texts += [w for ws in ATTRIBUTES.values() for w in ws]
    texts += get_templates('single') + get_templates('openai_imagenet_80')
    basic = BasicTokenizer(do_lower_case=True)
    words = {w for t in texts for w in basic.tokenize(re.sub(r'{\w*}', ' ', t))} | {'an'}
    os.makedirs(out_dir, exist_ok=True)
    vocab_file = osp.join(out_dir, 'vocab.txt')
    with open(vocab_file, 'w') as f:
        f.write('\n'.join(['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] + sorted(words)) + '\n')
    BertTokenizerFast(vocab_file=vocab_file, do_lower_case=True).save_pretrained(out_dir)
    return out_dir
