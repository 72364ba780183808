"""CLIP-ES pseudo masks for the 10,582 VOC train_aug images: time a sample, extrapolate.

    python tools/benchmark/clip_es_voc_estimate.py [--images 8] [--crf-workers N] [--device cuda]
        [--model ViT-B-16]

The model is configs/clip_es/voc21_caa_crf.py's (ViT-B/16, 25 background words, CAA, dense CRF)
with random weights. The sample is scikit-image's bundled photographs resized to the two common
VOC sizes (500x375, 375x500) with one or two present classes (VOC train_aug averages ~1.5);
photographs rather than noise because the CRF's cost depends on the colours in the image.
Measured, per image:
- CAMs + CAA (``CLIPES.predict`` with the CRF off) on ``--device``, one image per call as
  ``configs/clip_es/voc21_pseudo_masks.py`` runs them, and the peak CUDA memory of that step;
- the dense CRF alone, one CPU core;
- the whole pipeline on one batch of all sample images with the CRFs in ``--crf-workers``
  processes (``model.crf_workers``; what ``--cfg-options model.crf_workers=N
  test_dataloader.batch_size=N`` does in tools/test.py).
Prints last: the projected hours for 10,582 images from the measured pipeline (paper: 0.6
GPU-hours; moonshot: <= 0.1 on one H100, CRF included).
"""
import argparse
import os
import statistics
import time

import mmcv
import numpy as np
import skimage.data
import torch
from mmengine.config import Config
from mmengine.registry import init_default_scope
from mmseg.registry import MODELS
from mmseg.structures import SegDataSample

from mmseg_textsup.models.clip_es.clip_es import official_crf_image
from mmseg_textsup.utils.dense_crf import dense_crf
from benchmark_utils import peak_cuda_memory

VOC_TRAIN_AUG = 10582
PHOTOS = ('astronaut', 'chelsea', 'coffee', 'rocket')


def sample_images(count: int):
    """(uint8 RGB image, present labels) pairs at VOC sizes, cycling through the bundled photos."""
    samples = []
    for i in range(count):
        photo = getattr(skimage.data, PHOTOS[i % len(PHOTOS)])()
        h, w = (375, 500) if i % 2 == 0 else (500, 375)
        samples.append((mmcv.imresize(photo, (w, h)), np.arange(1 + i % 2) + 1 + i % 5))  # VOC labels 1..20
    return samples


def build_clip_es(model_name: str, device: str, crf_workers: int):
    cfg = Config.fromfile('configs/clip_es/voc21_caa_crf.py')
    model_cfg = cfg.model
    for tower in (model_cfg.backbone, model_cfg.text_encoder):
        tower.update(model_name=model_name, pretrained=None)
    model_cfg.crf_workers = crf_workers
    return MODELS.build(model_cfg).to(device).eval()


def timed(fn, device: str) -> float:
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    start = time.perf_counter()
    fn()
    if device.startswith('cuda'):
        torch.cuda.synchronize()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--images', type=int, default=8)
    parser.add_argument('--crf-workers', type=int, default=os.cpu_count(), help='0: CRFs in the main process')
    parser.add_argument('--model', default='ViT-B-16')
    parser.add_argument('--device', default='cuda' if torch.cuda.is_available() else 'cpu')
    args = parser.parse_args()
    init_default_scope('mmseg')
    torch.manual_seed(0)
    model = build_clip_es(args.model, args.device, args.crf_workers)
    preprocess = model.data_preprocessor
    samples = sample_images(args.images)
    batches = []
    for rgb, labels in samples:
        data = dict(inputs=[torch.from_numpy(np.ascontiguousarray(rgb[..., ::-1].transpose(2, 0, 1)))],
                    data_samples=[SegDataSample(metainfo=dict(image_labels=labels, img_shape=rgb.shape[:2],
                                                              ori_shape=rgb.shape[:2]))])
        batches.append(preprocess(data, False))  # BGR in, as loaded by LoadImageFromFile

    def cams_only(batch):
        model.crf = False
        with torch.no_grad():
            model.predict(batch['inputs'], batch['data_samples'])

    cams_only(batches[0])  # warm-up: text embeddings are cached per vocabulary
    cam_times = [timed(lambda: cams_only(b), args.device) for b in batches]
    peak = peak_cuda_memory(lambda: cams_only(batches[0]))
    crf_times = []
    for (rgb, _), batch in zip(samples, batches):
        scores = model.label_scores(*model.full_size_cams(rgb, batch['data_samples'][0].image_labels))[1]
        image, scores = official_crf_image(rgb), scores.cpu().numpy()
        crf_times.append(timed(lambda: dense_crf(image, scores, **model.crf_cfg), 'cpu'))

    def pipeline():
        model.crf = True
        with torch.no_grad():
            model.segment_batch([rgb for rgb, _ in samples], [b['data_samples'][0].image_labels for b in batches])

    pipeline()  # starts the CRF processes
    pipeline_time = timed(pipeline, args.device) / len(samples)
    t_cam, t_crf = statistics.mean(cam_times), statistics.mean(crf_times)
    device_name = torch.cuda.get_device_name() if args.device.startswith('cuda') else 'CPU'
    memory = f'{peak / 2**30:.2f} GiB peak CUDA memory' if peak is not None else 'no CUDA memory figure on CPU'
    print(f'CLIP-ES {args.model} (CAA + CRF), {len(samples)} photos at 500x375 / 375x500, {device_name}, '
          f'CPU threads: {torch.get_num_threads()}, CRF processes: {args.crf_workers}')
    print(f'CAMs + CAA per image: {t_cam * 1000:.1f} ms ({memory})')
    print(f'dense CRF per image, one core: {t_crf * 1000:.1f} ms')
    bound = max(t_cam, t_crf / max(args.crf_workers, 1))
    print(f'bound if CAMs and CRFs fully overlapped: {bound * 1000:.1f} ms per image = '
          f'{bound * VOC_TRAIN_AUG / 3600:.3f} h for {VOC_TRAIN_AUG} images')
    print(f'measured pipeline (batch of {len(samples)}, CRFs in {args.crf_workers} processes): '
          f'{pipeline_time * 1000:.1f} ms per image')
    print(f'projected for {VOC_TRAIN_AUG} VOC train_aug images: {pipeline_time * VOC_TRAIN_AUG / 3600:.3f} h '
          f'(paper: 0.6 GPU-hours; moonshot: <= 0.1)')


if __name__ == '__main__':
    main()
